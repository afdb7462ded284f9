import { type PushResult, pushCommit } from '../../git/push.js';
import type { Repo } from '../../git/repo.js';
import type { GitLabApi, GitLabClient } from '../../vendors/gitlab/client.js';
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
 * GitLab merge requests. Bot branches go to the target project or to a source project (the
 * bot's fork or bot namespace), and the MR is opened on the target. GitLab's API has no draft
 * flag on creation: a title starting with `Draft:` makes the MR a draft, and GitLab reports it
 * back as `draft: true`.
 */

export interface GitLabForgeOptions {
  name: string;
  /** Full path or id of the project MRs target. */
  project: string;
  /** Full path or id of the project bot branches are pushed to, when not `project`. */
  sourceProject?: string;
  pushUrl: string;
  botNamespace: string;
  labels: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: merge request JSON as GitLab returns it
type Json = any;

const DRAFT_PREFIX = 'Draft: ';

export class GitLabForge implements Forge {
  readonly kind = 'gitlab' as const;
  readonly name: string;
  private projectIds: Promise<{ target: number; source: number }> | null = null;

  constructor(
    private readonly client: GitLabClient,
    private readonly opts: GitLabForgeOptions,
  ) {
    this.name = opts.name;
  }

  botBranch(issueKey: string, stream: string): string {
    return botBranchName(this.opts.botNamespace, issueKey, stream);
  }

  async push(repo: Repo, request: PushRequest): Promise<PushResult> {
    const auth = await remoteAuthFor(this.opts.pushUrl, async () => this.client.gitHttpHeader());
    return pushCommit(repo, this.opts.pushUrl, request.commit, `refs/heads/${request.branch}`, {
      ...(request.expectOld !== undefined ? { expectOld: request.expectOld } : {}),
      auth,
    });
  }

  /** Numeric ids of both projects (an MR names its source project by id). */
  private ids(): Promise<{ target: number; source: number }> {
    if (!this.projectIds) {
      this.projectIds = this.client.call('read the projects', async (api) => {
        const target = (await api.Projects.show(this.opts.project)) as Json;
        const source = this.opts.sourceProject
          ? ((await api.Projects.show(this.opts.sourceProject)) as Json)
          : target;
        return { target: target.id as number, source: source.id as number };
      });
      this.projectIds.catch(() => {
        this.projectIds = null;
      });
    }
    return this.projectIds;
  }

  private toMergeRequest(m: Json): MergeRequest {
    const draft = m.draft === true || m.work_in_progress === true;
    return {
      id: `gitlab:${this.opts.project}!${m.iid}`,
      url: m.web_url,
      title: m.title,
      description: m.description ?? '',
      state: m.state === 'merged' ? 'merged' : m.state === 'opened' ? 'open' : 'closed',
      draft,
      sourceBranch: m.source_branch,
      targetBranch: m.target_branch,
      headOid: m.sha ?? null,
      labels: (m.labels ?? []).map((l: Json) => (typeof l === 'string' ? l : l.name)),
    };
  }

  private iid(id: string): number {
    const prefix = `gitlab:${this.opts.project}!`;
    if (!id.startsWith(prefix) || !/^\d+$/.test(id.slice(prefix.length)))
      throw new ForgeInputError(
        id,
        `'${id}' is not a merge request of ${this.opts.project} (expected ${prefix}<iid>)`,
      );
    return Number(id.slice(prefix.length));
  }

  private async findOpen(api: GitLabApi, sourceBranch: string, targetBranch: string): Promise<Json | null> {
    const { source } = await this.ids();
    const list = (await api.MergeRequests.all({
      projectId: this.opts.project,
      state: 'opened',
      sourceBranch,
      targetBranch,
      perPage: 100,
    } as never)) as Json[];
    return list.find((m) => m.source_project_id === source) ?? null;
  }

  async findOpenMergeRequest(sourceBranch: string, targetBranch: string): Promise<MergeRequest | null> {
    const m = await this.lookupOpen(sourceBranch, targetBranch);
    return m ? this.toMergeRequest(m) : null;
  }

  private lookupOpen(sourceBranch: string, targetBranch: string): Promise<Json | null> {
    return this.client.call(`find the merge request for ${sourceBranch}`, (api) =>
      this.findOpen(api, sourceBranch, targetBranch),
    );
  }

  async openDraftMergeRequest(
    input: DraftMergeRequest,
  ): Promise<{ mergeRequest: MergeRequest; created: boolean }> {
    const { target } = await this.ids();
    const labels = [...new Set([...this.opts.labels, ...(input.labels ?? [])])];
    const title = input.title.startsWith(DRAFT_PREFIX) ? input.title : `${DRAFT_PREFIX}${input.title}`;
    const { sourceBranch, targetBranch } = input;
    const found = await this.lookupOpen(sourceBranch, targetBranch);
    const created = found === null;
    // A create whose answer was lost (a 502 after GitLab stored the MR) is found by the same
    // lookup before the retry, instead of a second create that GitLab would refuse with 409.
    const mr: Json =
      found ??
      (await this.client.call(
        `open a draft merge request for ${sourceBranch}`,
        // From a fork the request goes to the source project, naming the target project.
        (api) =>
          api.MergeRequests.create(
            this.opts.sourceProject ?? this.opts.project,
            sourceBranch,
            targetBranch,
            title,
            {
              description: input.description,
              labels: labels.join(','),
              removeSourceBranch: true,
              ...(this.opts.sourceProject ? { targetProjectId: target } : {}),
            },
          ) as Promise<Json>,
        { recover: (api) => this.findOpen(api, sourceBranch, targetBranch) },
      ));
    const missing = labels.filter((l) => !(mr.labels ?? []).includes(l));
    if (missing.length) {
      const edited = await this.client.call(`label merge request !${mr.iid}`, (api) =>
        api.MergeRequests.edit(this.opts.project, mr.iid, { addLabels: missing.join(',') }),
      );
      return { mergeRequest: this.toMergeRequest(edited), created };
    }
    return { mergeRequest: this.toMergeRequest(mr), created };
  }

  async getMergeRequest(id: string): Promise<MergeRequestStatus> {
    const iid = this.iid(id);
    const [mr, approvals] = await Promise.all([
      this.client.call(`read merge request !${iid}`, (api) => api.MergeRequests.show(this.opts.project, iid)),
      this.client.call(`read approvals of merge request !${iid}`, (api) =>
        api.MergeRequestApprovals.showConfiguration(this.opts.project, { mergerequestIId: iid }),
      ),
    ]);
    const approvedBy = ((approvals as Json).approved_by ?? [])
      .map((a: Json) => a.user?.username)
      .filter(Boolean);
    return { ...this.toMergeRequest(mr), approvedBy };
  }

  async updateDescription(id: string, description: string): Promise<void> {
    const iid = this.iid(id);
    await this.client.call(`update merge request !${iid}`, (api) =>
      api.MergeRequests.edit(this.opts.project, iid, { description }),
    );
  }

  async closeMergeRequest(id: string, comment?: string): Promise<void> {
    const iid = this.iid(id);
    const mr = (await this.client.call(`read merge request !${iid}`, (api) =>
      api.MergeRequests.show(this.opts.project, iid),
    )) as Json;
    if (mr.state !== 'opened') return;
    if (comment)
      await this.client.call(`comment on merge request !${iid}`, (api) =>
        api.MergeRequestNotes.create(this.opts.project, iid, comment),
      );
    await this.client.call(`close merge request !${iid}`, (api) =>
      api.MergeRequests.edit(this.opts.project, iid, { stateEvent: 'close' }),
    );
  }
}
