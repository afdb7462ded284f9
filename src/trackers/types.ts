/**
 * What Ferry needs from an issue tracker. Every tracker (Jira, GitHub Issues, GitLab Issues,
 * Ferry's own requests) implements `Tracker`, and nothing outside `src/trackers/` asks which
 * one it is talking to (as Renovate's platforms do). Adapters translate; they do not decide:
 * whether an issue is eligible, which lines are hashes, what to comment, is the workflow's.
 *
 * Every method that changes something is safe to repeat: labels are added, not toggled; a
 * comment carries a marker and is not posted twice; a link to an MR is made once.
 */

export type TrackerKind = 'jira' | 'github' | 'gitlab' | 'builtin';

/** An MR/PR (or any web page) linked from an issue. */
export interface IssueLink {
  url: string;
  title: string | null;
  /** How the tracker knows it: a Jira remote link, a PR/MR that references the issue, Ferry's own link comment. */
  via: 'remote-link' | 'reference' | 'comment';
}

/** An issue as a search returns it: everything but the links, which cost a request per issue. */
export interface IssueSummary {
  /** The tracker's own name for it: `RHEL-123`, `owner/repo#12`, `group/project#12`, `REQ-7`. */
  key: string;
  url: string | null;
  title: string;
  /** Jira's status name (`New`, `Planning`, ...); `open`/`closed` for GitHub and GitLab. */
  status: string;
  /** Jira's Fix Versions; the "Fix version" form section or else the milestone for GitHub/GitLab. */
  fixVersions: string[];
  labels: string[];
  /**
   * The commit-hashes field exactly as people wrote it, one entry per non-empty line, trimmed.
   * Nothing is filtered out here: the workflow decides what looks like a hash and reports the rest.
   */
  commitHashLines: string[];
  /** Issue type (Jira's issue type) when the tracker has one. */
  type: string | null;
  /** Severity or priority when the tracker has a field for it. */
  severity: string | null;
  updatedAt: string | null;
}

export interface TrackerIssue extends IssueSummary {
  /** MRs/PRs and other links attached to the issue (for "no MR is linked yet"). */
  links: IssueLink[];
}

export interface TrackerComment {
  id: string;
  body: string;
  /** The hidden marker the comment carries, if Ferry wrote it with one. */
  marker: string | null;
  author: string | null;
  createdAt: string | null;
}

/**
 * Search by meaning, translated by each adapter: Jira builds JQL (`project = X AND labels = ...`),
 * GitHub and GitLab list the project's issues filtered by labels and state.
 */
export interface IssueQuery {
  /** Every one of these labels. */
  labels?: string[];
  /** This Fix Version (Jira's field; the form section or milestone elsewhere). */
  fixVersion?: string;
  /** Open issues only (Jira: status category not Done); default true. */
  openOnly?: boolean;
  /**
   * A query in the tracker's own language, ANDed with the rest: JQL for Jira, a `search`
   * string for GitLab; ignored by trackers without one (GitHub's list API, the built-in one).
   */
  native?: string;
  /** Stop after this many issues; default 1000. */
  limit?: number;
}

export interface NewIssue {
  title: string;
  /** Markdown; Jira gets it as a document with the same paragraphs. */
  body: string;
  labels?: string[];
  fixVersions?: string[];
  commitHashLines?: string[];
  /** Jira issue type name; others ignore it. Default from the tracker's configuration. */
  type?: string;
}

export interface IssuePatch {
  title?: string;
  body?: string;
  addLabels?: string[];
  removeLabels?: string[];
  /** Replaces the Fix Versions. */
  fixVersions?: string[];
  /** Replaces the commit-hashes field. */
  commitHashLines?: string[];
}

/** A `/backport <sha>... [to <stream>]` line from a comment. */
export interface BackportCommand {
  /** The words after `/backport` up to `to`, as written (the workflow checks which look like hashes). */
  hashes: string[];
  /** The stream named after `to`, or null when the issue's Fix Version should decide. */
  stream: string | null;
  commentId: string;
}

/** Fields whose change can matter to Ferry (`labels_removed`: someone took a label off, e.g. to ask for a new attempt). */
export type IssueField = 'commit_hashes' | 'status' | 'fix_versions' | 'labels_removed';

/** A webhook delivery, reduced to what Ferry acts on. */
export interface TrackerEvent {
  /** The configured tracker's name (the key under `trackers:` in ferry.yaml). */
  tracker: string;
  issueKey: string;
  action: 'created' | 'updated' | 'closed' | 'reopened' | 'commented';
  /** Relevant fields the delivery says changed (empty for `created` and `commented`). */
  changed: IssueField[];
  /** `/backport` lines of a new comment; empty otherwise. */
  commands: BackportCommand[];
  /** Who caused it (login or account id), when the payload says. */
  actor: string | null;
  /** The vendor's delivery id (`X-GitHub-Delivery`, `X-Gitlab-Event-UUID`, `X-Atlassian-Webhook-Identifier`). */
  deliveryId: string | null;
}

export type WebhookHeaders = Record<string, string | string[] | undefined>;

export interface Tracker {
  /** The configured name (`trackers.<name>` in ferry.yaml); for logs and stored references. */
  readonly name: string;
  /** For logs and metrics only: code outside `src/trackers/` must not branch on it. */
  readonly kind: TrackerKind;

  getIssue(key: string): Promise<TrackerIssue>;
  search(query: IssueQuery): Promise<IssueSummary[]>;
  createIssue(input: NewIssue): Promise<TrackerIssue>;
  updateIssue(key: string, patch: IssuePatch): Promise<TrackerIssue>;
  /** Closes the issue (Jira: a transition into a Done status), with an optional comment. Closed already: nothing. */
  closeIssue(key: string, comment?: { body: string; marker: string }): Promise<void>;

  /** Adds labels that are missing; present ones are left alone. */
  addLabels(key: string, labels: string[]): Promise<void>;

  /** The first comment on the issue that carries `marker`, or null. */
  findComment(key: string, marker: string): Promise<TrackerComment | null>;
  /**
   * Posts `body` with `marker` hidden in it, unless a comment with that marker exists already
   * (then that one is returned, `created: false`). Markers are `[A-Za-z0-9._:/#@+-]`, at most 200.
   */
  addComment(
    key: string,
    body: string,
    marker: string,
  ): Promise<{ comment: TrackerComment; created: boolean }>;

  /** Links an MR to the issue once (Jira: a remote link keyed by the MR's URL; others: a marked comment). */
  linkMergeRequest(key: string, mr: { url: string; title: string }): Promise<void>;

  /**
   * Turns a webhook delivery into an event, or null when it is not for this tracker or cannot
   * matter (another project, a label change, Ferry's own comment, a comment on a PR, ...).
   * `body` is the raw delivery or its parsed JSON. Signatures are checked by the server first.
   */
  parseEvent(headers: WebhookHeaders, body: unknown): TrackerEvent | null;
}

/** Bad input to a tracker call (a malformed key or marker): the caller's mistake, not the vendor's. */
export class TrackerInputError extends Error {
  override name = 'TrackerInputError';
  readonly exitCode = 2;
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A `<PREFIX>-<n>` key (Jira's, Ferry's own requests) trimmed and upper-cased, or the one
 * error saying what was expected: "<noun> 'x' <isNot> (expected <PREFIX>-<n>)".
 */
export function prefixedIssueKey(key: string, prefix: string, noun: string, isNot: string): string {
  const k = key.trim().toUpperCase();
  const digits = k.startsWith(`${prefix}-`) ? k.slice(prefix.length + 1) : '';
  if (!/^\d+$/.test(digits))
    throw new TrackerInputError(key, `${noun} '${key}' ${isNot} (expected ${prefix}-<n>)`);
  return k;
}
