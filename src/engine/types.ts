/**
 * The engine's public shapes. The JSON that `ferry pick|status|deps --json` prints is
 * exactly these objects, so field names are snake_case where they are part of that
 * documented output.
 */

/** How we know a change is on a branch, strongest first (DESIGN §3). */
export type Rung = 'ancestor' | 'provenance' | 'patch-id' | 'subject-author';

export interface Presence {
  /** Full id of the commit asked about. */
  commit: string;
  /** The branch as the caller named it. */
  branch: string;
  state: 'present' | 'missing';
  /** Which rung of the ladder found it; null when missing. */
  via: Rung | null;
  /** The commit on the branch that carries the change (the commit itself for `ancestor`). */
  match: string | null;
  /** A subject+author match only: likely, not proven. */
  weak: boolean;
}

export interface StatusReport {
  commits: { commit: string; subject: string }[];
  branches: { branch: string; ref: string; head: string }[];
  entries: Presence[];
}

export type ConflictKind =
  | 'content'
  | 'add/add'
  | 'modify/delete'
  | 'rename/delete'
  | 'rename/rename'
  | 'rename/add'
  | 'file/directory'
  | 'binary'
  | 'submodule'
  | 'mode'
  | 'other';

export interface ConflictHunk {
  /** Lines of the target's version (what is on the branch), 1-based, inclusive. */
  target: { start: number; end: number };
  /** The lines the picked commit wanted there, as they read in its version of the file. */
  incoming: { start: number; end: number };
}

export interface Conflict {
  path: string;
  kind: ConflictKind;
  /** git's own message for this path. */
  message: string;
  hunks: ConflictHunk[];
}

export interface Prerequisite {
  commit: string;
  subject: string;
  /** Why it is a candidate, in words a maintainer reads. */
  reason: string;
  /** Higher is more likely; candidates are listed best first. */
  score: number;
}

export type CommitPickStatus = 'picked' | 'present' | 'conflict' | 'error' | 'skipped';

export interface CommitPick {
  commit: string;
  status: CommitPickStatus;
  /** The commit Ferry made for it (null when present, conflicted, skipped). */
  result: string | null;
  /** How it applied or why it was not needed: `merge`, `apply-3way`, `empty`, or a ladder rung. */
  via: string | null;
  /** The commit actually applied when cascading used a newer target's backport. */
  source: string;
  /** For `present` found by the ladder: the commit already on the target. */
  match?: string | null;
  error?: string;
}

export type TargetStatus = 'picked' | 'present' | 'conflict' | 'error';

export interface TargetResult {
  /** The target as the caller named it. */
  target: string;
  status: TargetStatus;
  /** `original`, or the target whose result served as source (`cascade:<target>`). */
  source_used: string;
  commits: CommitPick[];
  /** The commit the target's branch would point at (also on dry runs); null on conflict. */
  head: string | null;
  /** The commit the target pointed at before. */
  base: string;
  /** The branch Ferry created or updated (null on dry run or a commit target). */
  branch: string | null;
  conflicts: Conflict[];
  prerequisites: Prerequisite[];
  error?: string;
}

export interface PickReport {
  targets: TargetResult[];
}

export interface Identity {
  name: string;
  email: string;
}

export interface DepsReport {
  commits: string[];
  target: string;
  /** Commits that most likely must go first, best first. */
  prerequisites: Prerequisite[];
  /** Later commits that fix or revert these (by `Fixes:` trailers and reverts, followed recursively). */
  follow_ups: { commit: string; subject: string; reason: string; fixes: string; present: boolean }[];
}
