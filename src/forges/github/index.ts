import type { Octokit } from '@octokit/rest';
import { type PushResult, pushCommit } from '../../git/push.js';
import type { Repo } from '../../git/repo.js';
import type { GitHubClient } from '../../vendors/github/client.js';
import { botBranchName } from '../bot-branch.js';
import { remoteAuthFor } from '../remote-auth.js';
import {
  type DraftMergeRequest,
  type Forge,
  ForgeInputError,
  type MergeRequest,
  type MergeRequestStatus,
  type PushRequest,
} from '../types.js';

/**
 * GitHub pull requests. Bot branches are pushed to the repository itself or to a fork; the PR
 * is opened as a draft (`draft: true`) with labels, after looking for an open one from the
 * same head. Auth (token or App) is the shared `GitHubClient`'s; git pushes use the same token.
 */

export interface GitHubForgeOptions {
  name: string;
  /** `owner/name` the PRs are opened on. */
  repo: string;
  /** `owner/name` the bot branches live in, when not `repo`. */
  fork?: string;
  /** Where to push; default the repository's (or fork's) HTTPS URL on the web host. */
  pushUrl: string;
  botNamespace: string;
  labels: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: pull request JSON as GitHub returns it
type PullJson = any;

export class GitHubForge implements Forge {
  readonly kind = 'github' as const;
  readonly name: string;
  private readonly owner: string;
  private readonly repoName: string;

  constructor(
    private readonly client: GitHubClient,
    private readonly opts: GitHubForgeOptions,
  ) {
    this.name = opts.name;
    [this.owner, this.repoName] = opts.repo.split('/') as [string, string];
  }

  private get repo() {
    return { owner: this.owner, repo: this.repoName };
  }

  private get headOwner(): string {
    return (this.opts.fork ?? this.opts.repo).split('/')[0]!;
  }

  botBranch(issueKey: string, stream: string): string {
    return botBranchName(this.opts.botNamespace, issueKey, stream);
  }

  async push(repo: Repo, request: PushRequest): Promise<PushResult> {
    const auth = await remoteAuthFor(this.opts.pushUrl, () => this.client.gitHttpHeader());
    return pushCommit(repo, this.opts.pushUrl, request.commit, `refs/heads/${request.branch}`, {
      ...(request.expectOld !== undefined ? { expectOld: request.expectOld } : {}),
      auth,
    });
  }

  private toMergeRequest(p: PullJson): MergeRequest {
    return {
      id: `github:${this.opts.repo}#${p.number}`,
      url: p.html_url,
      title: p.title,
      description: p.body ?? '',
      state: p.merged_at || p.merged ? 'merged' : p.state === 'open' ? 'open' : 'closed',
      draft: p.draft === true,
      sourceBranch: p.head.ref,
      targetBranch: p.base.ref,
      headOid: p.head.sha ?? null,
      labels: (p.labels ?? []).map((l: PullJson) => l.name),
    };
  }

  private number(id: string): number {
    const prefix = `github:${this.opts.repo}#`;
    if (!id.startsWith(prefix) || !/^\d+$/.test(id.slice(prefix.length)))
      throw new ForgeInputError(
        id,
        `'${id}' is not a pull request of ${this.opts.repo} (expected ${prefix}<number>)`,
      );
    return Number(id.slice(prefix.length));
  }

  private async findOpen(o: Octokit, sourceBranch: string, targetBranch: string): Promise<PullJson | null> {
    const list = await o.rest.pulls.list({
      ...this.repo,
      state: 'open',
      head: `${this.headOwner}:${sourceBranch}`,
      base: targetBranch,
      per_page: 100,
    });
    return list.data[0] ?? null;
  }

  async findOpenMergeRequest(sourceBranch: string, targetBranch: string): Promise<MergeRequest | null> {
    const p = await this.lookupOpen(sourceBranch, targetBranch);
    return p ? this.toMergeRequest(p) : null;
  }

  private lookupOpen(sourceBranch: string, targetBranch: string): Promise<PullJson | null> {
    return this.client.call(`find the pull request for ${sourceBranch}`, (o) =>
      this.findOpen(o, sourceBranch, targetBranch),
    );
  }

  async openDraftMergeRequest(
    input: DraftMergeRequest,
  ): Promise<{ mergeRequest: MergeRequest; created: boolean }> {
    const { sourceBranch, targetBranch } = input;
    const found = await this.lookupOpen(sourceBranch, targetBranch);
    const created = found === null;
    // A create whose answer was lost (a 502 after GitHub made the PR) is found by the same
    // lookup before the retry, instead of a second create that GitHub would refuse with 422.
    const pull: PullJson =
      found ??
      (await this.client.call(
        `open a draft pull request for ${sourceBranch}`,
        async (o) =>
          (
            await o.rest.pulls.create({
              ...this.repo,
              title: input.title,
              head: `${this.headOwner}:${sourceBranch}`,
              base: targetBranch,
              body: input.description,
              draft: true,
              maintainer_can_modify: true,
            })
          ).data,
        { recover: (o) => this.findOpen(o, sourceBranch, targetBranch) },
      ));
    const want = [...new Set([...this.opts.labels, ...(input.labels ?? [])])];
    const have = new Set((pull.labels ?? []).map((l: PullJson) => l.name));
    const missing = want.filter((l) => !have.has(l));
    if (missing.length) {
      const labels = await this.client.call(
        `label pull request #${pull.number}`,
        async (o) =>
          (await o.rest.issues.addLabels({ ...this.repo, issue_number: pull.number, labels: missing })).data,
      );
      pull.labels = labels;
    }
    return { mergeRequest: this.toMergeRequest(pull), created };
  }

  async getMergeRequest(id: string): Promise<MergeRequestStatus> {
    const n = this.number(id);
    const [pull, reviews] = await Promise.all([
      this.client.call(
        `read pull request #${n}`,
        async (o) => (await o.rest.pulls.get({ ...this.repo, pull_number: n })).data,
      ),
      this.client.call(`read reviews of pull request #${n}`, (o) =>
        o.paginate(o.rest.pulls.listReviews, { ...this.repo, pull_number: n, per_page: 100 }),
      ),
    ]);
    // A reviewer's latest decisive review counts; a later comment does not undo an approval.
    const latest = new Map<string, string>();
    for (const r of reviews) {
      const who = r.user?.login;
      if (who && r.state !== 'COMMENTED' && r.state !== 'PENDING') latest.set(who, r.state);
    }
    const approvedBy = [...latest].filter(([, s]) => s === 'APPROVED').map(([who]) => who);
    return { ...this.toMergeRequest(pull), approvedBy };
  }

  async updateDescription(id: string, description: string): Promise<void> {
    const n = this.number(id);
    await this.client.call(`update pull request #${n}`, (o) =>
      o.rest.pulls.update({ ...this.repo, pull_number: n, body: description }),
    );
  }

  async closeMergeRequest(id: string, comment?: string): Promise<void> {
    const n = this.number(id);
    const pull = await this.client.call(
      `read pull request #${n}`,
      async (o) => (await o.rest.pulls.get({ ...this.repo, pull_number: n })).data,
    );
    if (pull.state !== 'open') return;
    if (comment)
      await this.client.call(`comment on pull request #${n}`, (o) =>
        o.rest.issues.createComment({ ...this.repo, issue_number: n, body: comment }),
      );
    await this.client.call(`close pull request #${n}`, (o) =>
      o.rest.pulls.update({ ...this.repo, pull_number: n, state: 'closed' }),
    );
  }
}
