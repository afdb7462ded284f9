import { BadInputError } from '../git/errors.js';
import type { PushResult } from '../git/push.js';
import type { Repo } from '../git/repo.js';

/**
 * What Ferry needs from a code-review system: put a commit on a bot branch, and find or open a
 * draft merge request for it. Every forge (GitHub, GitLab, Gerrit, a plain git remote)
 * implements `Forge`; nothing outside `src/forges/` asks which one it is.
 *
 * The sequence a workflow follows, safe to repeat after a crash at any point:
 *   push → findOpenMergeRequest → (none) openDraftMergeRequest
 * and `openDraftMergeRequest` itself looks before it creates, and looks again before each retry
 * of the create (a create whose answer was lost is found, not made twice; see `withRetry`).
 */

export type ForgeKind = 'github' | 'gitlab' | 'gerrit' | 'git';

export type MergeRequestState = 'open' | 'merged' | 'closed';

export interface MergeRequest {
  /**
   * Stable and unique across forges, what Ferry stores: `github:owner/repo#12`,
   * `gitlab:group/project!5`, `gerrit:<project>~<Change-Id>`, `git:<remote>#<branch>`.
   */
  id: string;
  /** The web page (the remote and branch for plain git). */
  url: string;
  title: string;
  description: string;
  state: MergeRequestState;
  draft: boolean;
  /** The bot branch (Gerrit: the topic Ferry set). */
  sourceBranch: string;
  targetBranch: string;
  /** The commit at the tip of the MR, when the forge says. */
  headOid: string | null;
  labels: string[];
}

export interface MergeRequestStatus extends MergeRequest {
  /** Who approved it (GitHub: latest review APPROVED; GitLab: approvals; Gerrit: Code-Review +2). */
  approvedBy: string[];
}

export interface PushRequest {
  /** The commit to publish; it must exist in `repo` (the service's bare mirror). */
  commit: string;
  /** The bot branch, e.g. `ferry/RHEL-123-9.6` (see `botBranch`). */
  branch: string;
  /** The branch the MR will target (Gerrit pushes to `refs/for/<target>`). */
  target: string;
  /**
   * Replace the bot branch only if it points at this commit (null: only if it does not exist).
   * Omitted: create it or fast-forward it. A developer's force-push is never overwritten unseen.
   */
  expectOld?: string | null;
}

export interface DraftMergeRequest {
  sourceBranch: string;
  targetBranch: string;
  title: string;
  /** Markdown. */
  description: string;
  labels?: string[];
  /** The tip commit that was pushed (Gerrit finds the change by its Change-Id). */
  commit: string;
}

export interface Forge {
  /** The configured name (`forges.<name>` in ferry.yaml). */
  readonly name: string;
  /** For logs and metrics only. */
  readonly kind: ForgeKind;

  /** `<bot namespace>/<issue key>-<stream>`, with characters a branch name cannot hold replaced. */
  botBranch(issueKey: string, stream: string): string;

  /** Publishes the commit; a no-op when the remote already has exactly it. */
  push(repo: Repo, request: PushRequest): Promise<PushResult>;

  /** The open MR from `sourceBranch` into `targetBranch`, or null. */
  findOpenMergeRequest(sourceBranch: string, targetBranch: string): Promise<MergeRequest | null>;

  /** Finds the open MR for the branch or opens a draft one, then makes sure it has the labels. */
  openDraftMergeRequest(input: DraftMergeRequest): Promise<{ mergeRequest: MergeRequest; created: boolean }>;

  getMergeRequest(id: string): Promise<MergeRequestStatus>;
  updateDescription(id: string, description: string): Promise<void>;
  /** Closes without merging (Gerrit: abandon; plain git: delete the bot branch under a lease). */
  closeMergeRequest(id: string, comment?: string): Promise<void>;
}

/**
 * An id, input or setting this forge cannot take (another forge's MR id, a commit without the
 * Change-Id Gerrit needs, a plain git forge without a repository to push from).
 */
export class ForgeInputError extends BadInputError {
  override name = 'ForgeInputError';
}
