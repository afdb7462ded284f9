/**
 * What the policy is given and what it answers. Everything here is plain data: the
 * policy reads no file, runs no git and reads no clock; the caller gathers the facts.
 * The verdict is printed as-is by `ferry check --json`, so its fields are snake_case.
 */

/** One file a commit changes, as git reports it against the commit's first parent. */
export interface ChangedFile {
  /** A added, M modified, D deleted, R renamed, C copied, T type changed. */
  status: 'A' | 'M' | 'D' | 'R' | 'C' | 'T' | 'U' | 'X';
  /** The path after the change (for D, the path that was deleted). */
  path: string;
  /** The path before a rename or copy; null otherwise. */
  oldPath: string | null;
  /** Lines the commit adds, without the leading `+`. */
  added: string[];
  /** Lines the commit removes, without the leading `-`. */
  removed: string[];
  binary: boolean;
}

/** One commit as the policy sees it. */
export interface ChangeFacts {
  commit: string;
  message: string;
  files: ChangedFile[];
}

/** What a tracker says about the request, when the request came from one. */
export interface TrackerFacts {
  /** Issue type: Bug, Story, Vulnerability, ... */
  type?: string;
  /** Severity, priority or importance as the tracker names it: Critical, High, Wishlist, ... */
  severity?: string;
  labels?: string[];
  /** CVE ids the tracker links to the issue. */
  cves?: string[];
}

/** A stream as the policy needs it: the configuration's fields, nothing read from git. */
export interface StreamFacts {
  name: string;
  branch: string;
  state: 'active' | 'pre-release' | 'extended-maintenance' | 'retired' | 'end-of-life';
  release_date?: string | undefined;
}

/** Whether a change is already on a branch newer than the target (from the engine's ladder). */
export interface PresenceFact {
  commit: string;
  /** The stream name, or the upstream main branch's name. */
  stream: string;
  state: 'present' | 'in-review' | 'missing';
  /** How it was found (a ladder rung, or `review`); null when missing. */
  via: string | null;
  /** Found only by subject and author: likely, not proven. */
  weak?: boolean;
}

export type ChangeClass =
  | 'security'
  | 'critical'
  | 'bug-fix'
  | 'feature'
  | 'docs-only'
  | 'tests-only'
  | 'config-only'
  | 'ci-only'
  | 'log-typo'
  | 'unclassified';

export const SAFE_CLASSES = ['docs-only', 'tests-only', 'config-only', 'ci-only', 'log-typo'] as const;
export type SafeClass = (typeof SAFE_CLASSES)[number];

export type Phase =
  | 'pre-release'
  | 'phase-1'
  | 'phase-2'
  | 'phase-3'
  | 'extended-maintenance'
  | 'retired'
  | 'end-of-life';

export const DETECTOR_IDS = [
  'db-schema',
  'http-api',
  'rpc-api',
  'notifications',
  'config-options',
  'dependencies',
  'new-features',
] as const;
export type DetectorId = (typeof DETECTOR_IDS)[number];

/** Every rule the verdict lists, in the order it is evaluated. */
export type RuleId = 'stream-open' | 'phase' | DetectorId | 'newer-first';

export type Outcome = 'pass' | 'note' | 'refuse' | 'skip';

/** One thing a forbidden-change detector found. */
export interface Finding {
  path: string;
  /** What the change does, in words: "adds database migration". */
  what: string;
  /** The evidence: a value change "2.103 → 2.104", a name, a line. */
  detail: string | null;
  /** A finding the detector reports for a reviewer's eye rather than as a refusal. */
  note: boolean;
}

export interface RuleOutcome {
  rule: RuleId;
  /** The commit the rule was evaluated on; null for rules about the stream. */
  commit: string | null;
  outcome: Outcome;
  /** Plain words a maintainer reads. */
  reason: string;
  /** Set when the rule refused and a configured exception turned it into a note. */
  exception?: string;
  findings?: Finding[];
}

export interface ClassifiedCommit {
  commit: string;
  subject: string;
  /** Strongest first. */
  classes: ChangeClass[];
  /** Why each class was given: `{ class: 'bug-fix', why: 'Closes-Bug: #2121465' }`. */
  evidence: { class: ChangeClass; why: string }[];
}

export type Decision = 'allow' | 'allow-with-note' | 'refuse';

export interface Verdict {
  decision: Decision;
  /** The day judged on (YYYY-MM-DD, UTC): phases depend on it. */
  date: string;
  target: {
    stream: string;
    branch: string;
    state: StreamFacts['state'];
    phase: Phase;
    release_date: string | null;
  };
  commits: ClassifiedCommit[];
  /** Every rule evaluated, stream rules first, then per commit in the order given. */
  rules: RuleOutcome[];
  /** Reasons of the rules that refused (empty unless refused). */
  refusals: string[];
  /** Reasons of the rules that ask a reviewer to look (the "note" of allow-with-note). */
  notes: string[];
  /** One line: the decision and what drove it. */
  summary: string;
}
