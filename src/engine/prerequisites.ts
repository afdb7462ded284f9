import { readBlobs } from '../git/blobs.js';
import { readCommits, subjectOf } from '../git/commits.js';
import { commitsTouchingLines, commitsTouchingPaths } from '../git/line-log.js';
import type { Repo } from '../git/repo.js';
import { mapLimit } from './concurrency.js';
import type { ConflictDetail } from './conflicts.js';
import { type BranchTip, indexBranch, presenceOn } from './ladder.js';
import type { Prerequisite } from './types.js';

/**
 * Likely prerequisites of a conflicted pick: commits on the source side, since the branch
 * point, that changed the lines the fix's context expects (DESIGN §3, "conflicts are
 * information"), and are not on the target by the ladder. Ranked: a commit that touched
 * every conflicting hunk, alone, comes first.
 */

/** Lines around a conflict whose history matters too: git needs them to match as context. */
const CONTEXT = 3;

export interface PrerequisiteQuery {
  repo: Repo;
  /** The commit being picked and its (mainline) parent: the version its context comes from. */
  commit: string;
  parent: string;
  target: BranchTip;
  conflicts: ConflictDetail[];
  limit?: number;
}

interface Evidence {
  score: number;
  hunks: string[];
  files: Set<string>;
  adds: Set<string>;
}

export async function findPrerequisites(q: PrerequisiteQuery): Promise<Prerequisite[]> {
  const { repo } = q;
  const base = await repo.mergeBase(q.target.head, q.commit);
  const evidence = new Map<string, Evidence>();
  const note = (c: string) => {
    let e = evidence.get(c);
    if (!e) {
      e = { score: 0, hunks: [], files: new Set(), adds: new Set() };
      evidence.set(c, e);
    }
    return e;
  };

  const textual = q.conflicts.filter((c) => c.baseRanges.length > 0);
  const sizes = await readBlobs(
    repo,
    textual.map((c) => `${q.parent}:${c.path}`),
  );
  const hunks = textual.flatMap((c) => {
    const len = (sizes.get(`${q.parent}:${c.path}`)?.toString('utf8') ?? '').split('\n').length;
    return c.baseRanges
      .map((r) => ({
        path: c.path,
        start: Math.max(1, Math.min(r.start, r.end) - CONTEXT),
        end: Math.min(len, Math.max(r.start, r.end) + CONTEXT),
      }))
      .filter((r) => len > 0 && r.start <= r.end);
  });
  const perHunk = await mapLimit(hunks, 4, (h) => commitsTouchingLines(repo, q.parent, base, [h]));
  perHunk.forEach((commits, i) => {
    const h = hunks[i]!;
    for (const c of commits) {
      const e = note(c);
      e.score += 10 / commits.length;
      e.hunks.push(`${h.path}:${h.start}-${h.end}`);
      e.files.add(h.path);
    }
  });

  // A file the fix changes but the target lacks: the commits that brought it in.
  const missingFiles = q.conflicts
    .filter((c) => c.kind !== 'content' && c.kind !== 'add/add')
    .map((c) => c.path);
  if (missingFiles.length) {
    const adders = await commitsTouchingPaths(repo, q.parent, base, missingFiles, { diffFilter: 'AR' });
    for (const c of adders) {
      const e = note(c);
      e.score += 5 / adders.length;
      for (const f of missingFiles) e.adds.add(f);
    }
  }

  // Weakest: anything else that changed a conflicted file since the branch point.
  const files = q.conflicts.map((c) => c.path);
  const fileTouchers = await commitsTouchingPaths(repo, q.parent, base, files);
  fileTouchers.forEach((c, rank) => {
    const e = note(c);
    e.score += 1 / (fileTouchers.length + rank);
  });

  const candidates = [...evidence.keys()];
  if (candidates.length === 0) return [];
  const commits = await readCommits(repo, candidates);
  const index = await indexBranch(repo, q.target, candidates, [q.parent]);
  const presence = await presenceOn({ repo, commits, index, lowest: 'patch-id' });
  const missing = new Set(presence.filter((p) => p.state === 'missing').map((p) => p.commit));
  const order = new Map(candidates.map((c, i) => [c, i]));

  return commits
    .filter((c) => missing.has(c.oid))
    .map((c): Prerequisite => {
      const e = evidence.get(c.oid)!;
      return {
        commit: c.oid,
        subject: subjectOf(c.message),
        reason: reasonFor(e, q.target.name),
        score: round(e.score),
      };
    })
    .sort((a, b) => b.score - a.score || order.get(a.commit)! - order.get(b.commit)!)
    .slice(0, q.limit ?? 10);
}

function reasonFor(e: Evidence, target: string): string {
  const parts: string[] = [];
  if (e.hunks.length) parts.push(`changed the lines of ${e.hunks.join(', ')} that the fix's context expects`);
  if (e.adds.size) parts.push(`added or renamed ${[...e.adds].join(', ')}, which ${target} lacks`);
  if (!parts.length) parts.push('changed a conflicted file since the branch point');
  return `${parts.join('; ')}; not on ${target}`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
