import { deleteRemoteRef, type PushResult, pushCommit } from '../../git/push.js';
import { assertRemoteUrl, type RemoteAuth, readRemoteRef } from '../../git/remote.js';
import type { Repo } from '../../git/repo.js';
import { botBranchName } from '../bot-branch.js';
import {
  type DraftMergeRequest,
  type Forge,
  ForgeInputError,
  type MergeRequest,
  type MergeRequestStatus,
  type PushRequest,
} from '../types.js';

/**
 * A plain git remote as a forge: the bot branch is pushed, and the "merge request" is a record
 * whose words (title, description) the caller keeps in its store. That Ferry opened it is kept
 * on the remote itself as `refs/ferry/merge-requests/<branch>`, so find-before-create works (and
 * a retry after a crash finds it) with no other system. Closing removes that ref, not the branch.
 */

export interface PlainGitForgeOptions {
  name: string;
  remote: string;
  botNamespace: string;
  auth?: RemoteAuth;
  /** A repository to run `git ls-remote`/`push` from (the service's mirror). */
  repo: () => Promise<Repo>;
}

const MARKER_PREFIX = 'refs/ferry/merge-requests/';

export class PlainGitForge implements Forge {
  readonly kind = 'git' as const;
  readonly name: string;

  constructor(private readonly opts: PlainGitForgeOptions) {
    assertRemoteUrl(opts.remote, `forge ${opts.name} remote`);
    if (opts.remote.includes('#'))
      throw new ForgeInputError(
        opts.remote,
        `remote '${opts.remote}' contains '#', which Ferry uses in merge request ids`,
      );
    this.name = opts.name;
  }

  botBranch(issueKey: string, stream: string): string {
    return botBranchName(this.opts.botNamespace, issueKey, stream);
  }

  push(repo: Repo, request: PushRequest): Promise<PushResult> {
    return pushCommit(repo, this.opts.remote, request.commit, `refs/heads/${request.branch}`, {
      ...(request.expectOld !== undefined ? { expectOld: request.expectOld } : {}),
      ...(this.opts.auth ? { auth: this.opts.auth } : {}),
    });
  }

  private id(branch: string): string {
    return `git:${this.opts.remote}#${branch}`;
  }

  private branchOf(id: string): string {
    const prefix = `git:${this.opts.remote}#`;
    if (!id.startsWith(prefix) || id.length === prefix.length)
      throw new ForgeInputError(
        id,
        `'${id}' is not a merge request of ${this.opts.remote} (expected ${prefix}<branch>)`,
      );
    return id.slice(prefix.length);
  }

  private record(
    branch: string,
    head: string,
    open: boolean,
    words?: { title: string; description: string; target: string },
  ): MergeRequest {
    return {
      id: this.id(branch),
      url: this.id(branch),
      title: words?.title ?? '',
      description: words?.description ?? '',
      state: open ? 'open' : 'closed',
      draft: true,
      sourceBranch: branch,
      targetBranch: words?.target ?? '',
      headOid: head,
      labels: [],
    };
  }

  private async refs(branch: string): Promise<{ head: string | null; marker: string | null }> {
    const repo = await this.opts.repo();
    const [head, marker] = await Promise.all([
      readRemoteRef(repo, this.opts.remote, `refs/heads/${branch}`, this.opts.auth),
      readRemoteRef(repo, this.opts.remote, `${MARKER_PREFIX}${branch}`, this.opts.auth),
    ]);
    return { head, marker };
  }

  async findOpenMergeRequest(sourceBranch: string, targetBranch: string): Promise<MergeRequest | null> {
    const { head, marker } = await this.refs(sourceBranch);
    if (!head || !marker) return null;
    return { ...this.record(sourceBranch, head, true), targetBranch };
  }

  async openDraftMergeRequest(
    input: DraftMergeRequest,
  ): Promise<{ mergeRequest: MergeRequest; created: boolean }> {
    const { head, marker } = await this.refs(input.sourceBranch);
    if (!head)
      throw new ForgeInputError(
        input.sourceBranch,
        `branch ${input.sourceBranch} is not on ${this.opts.remote}; push it first`,
      );
    const words = { title: input.title, description: input.description, target: input.targetBranch };
    if (marker) return { mergeRequest: this.record(input.sourceBranch, head, true, words), created: false };
    const repo = await this.opts.repo();
    await pushCommit(repo, this.opts.remote, head, `${MARKER_PREFIX}${input.sourceBranch}`, {
      expectOld: null,
      ...(this.opts.auth ? { auth: this.opts.auth } : {}),
    });
    return { mergeRequest: this.record(input.sourceBranch, head, true, words), created: true };
  }

  async getMergeRequest(id: string): Promise<MergeRequestStatus> {
    const branch = this.branchOf(id);
    const { head, marker } = await this.refs(branch);
    return { ...this.record(branch, head ?? marker ?? '', Boolean(head && marker)), approvedBy: [] };
  }

  /** The description is the caller's record; there is nothing on the remote to change. */
  async updateDescription(id: string): Promise<void> {
    this.branchOf(id);
  }

  async closeMergeRequest(id: string): Promise<void> {
    const branch = this.branchOf(id);
    const { marker } = await this.refs(branch);
    if (!marker) return;
    await deleteRemoteRef(
      await this.opts.repo(),
      this.opts.remote,
      `${MARKER_PREFIX}${branch}`,
      marker,
      this.opts.auth,
    );
  }
}
