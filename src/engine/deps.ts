import { type Commit, logCommits, subjectOf } from '../git/commits.js';
import type { Repo } from '../git/repo.js';
import { indexBranch, presenceOn, resolveBranch } from './ladder.js';
import { pick } from './pick.js';
import { openRepo } from './repo-arg.js';
import type { DepsReport } from './types.js';

/**
 * What else a backport needs: the commits that should go first (prerequisites, from the
 * conflicts a pick onto the target would hit) and the later commits that fix or revert
 * it (follow-ups: `Fixes:` trailers and reverts naming it, followed recursively).
 */

export interface DepsOptions {
  repo?: string | Repo;
  commits: string[];
  to: string;
  /** The branch the commits come from, searched for follow-ups; default the main branch. */
  from?: string;
  mainline?: number;
  onProgress?: (message: string) => void;
}

const FIXES_RE = /^\s*Fixes:\s*(?:commit\s+)?([0-9a-f]{7,40})\b/gim;
const REVERTS_RE = /This reverts commit ([0-9a-f]{7,40})/gi;

export interface Reference {
  hash: string;
  kind: 'fixes' | 'reverts';
}

/** The commits a message says it fixes (`Fixes:` trailers) or reverts. */
export function referencedCommits(message: string): Reference[] {
  const refs: Reference[] = [];
  for (const m of message.matchAll(FIXES_RE)) refs.push({ hash: m[1]!.toLowerCase(), kind: 'fixes' });
  for (const m of message.matchAll(REVERTS_RE)) refs.push({ hash: m[1]!.toLowerCase(), kind: 'reverts' });
  return refs;
}

export async function deps(opts: DepsOptions): Promise<DepsReport> {
  const repo = await openRepo(opts.repo);
  const oids = await repo.resolveCommits(opts.commits, 'commit');
  const target = await resolveBranch(repo, opts.to);
  const fromRef = opts.from ? (await resolveBranch(repo, opts.from)).head : await repo.defaultBranch();

  opts.onProgress?.(`trying the pick onto ${opts.to}`);
  const trial = await pick({
    repo,
    commits: oids,
    targets: [opts.to],
    dryRun: true,
    mainline: opts.mainline,
  });
  const prerequisites = trial.targets[0]?.prerequisites ?? [];

  const followUps: DepsReport['follow_ups'] = [];
  if (fromRef) {
    opts.onProgress?.('looking for follow-up fixes and reverts');
    // A follow-up names its commit, so it is newer: everything on the source not under the set.
    const later = await logCommits(repo, ['--no-merges'], {
      stdinRevs: [fromRef, ...oids.map((o) => `^${o}`)],
    });
    const byRef = new Map<string, { commit: Commit; kind: Reference['kind'] }[]>();
    for (const c of later)
      for (const r of referencedCommits(c.message)) {
        const key = r.hash.slice(0, 7);
        const list = byRef.get(key) ?? [];
        list.push({ commit: c, kind: r.kind });
        byRef.set(key, list);
      }
    const seen = new Set(oids);
    const queue = [...oids];
    const found: { commit: Commit; kind: Reference['kind']; fixes: string }[] = [];
    while (queue.length) {
      const target = queue.shift()!;
      for (const hit of byRef.get(target.slice(0, 7)) ?? []) {
        const named = referencedCommits(hit.commit.message).some((r) => target.startsWith(r.hash));
        if (!named || seen.has(hit.commit.oid)) continue;
        seen.add(hit.commit.oid);
        found.push({ commit: hit.commit, kind: hit.kind, fixes: target });
        queue.push(hit.commit.oid);
      }
    }
    if (found.length) {
      const index = await indexBranch(
        repo,
        target,
        found.map((f) => f.commit.oid),
        [fromRef],
      );
      const presence = await presenceOn({
        repo,
        commits: found.map((f) => f.commit),
        index,
        lowest: 'patch-id',
      });
      found.forEach((f, i) => {
        followUps.push({
          commit: f.commit.oid,
          subject: subjectOf(f.commit.message),
          reason:
            f.kind === 'fixes' ? `has "Fixes: ${f.fixes.slice(0, 12)}"` : `reverts ${f.fixes.slice(0, 12)}`,
          fixes: f.fixes,
          present: presence[i]?.state === 'present',
        });
      });
    }
  }
  return { commits: oids, target: opts.to, prerequisites, follow_ups: followUps };
}
