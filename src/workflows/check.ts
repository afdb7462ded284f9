import type { FerryConfig } from '../config/schema.js';
import { provenanceRefs } from '../engine/provenance.js';
import type { StatusReport } from '../engine/types.js';
import { readChanges } from '../git/changes.js';
import { readCommits } from '../git/commits.js';
import { BadInputError } from '../git/errors.js';
import type { Repo } from '../git/repo.js';
import { resolvePolicy } from '../policy/settings.js';
import { findStream, newerStreams } from '../policy/streams.js';
import type { ChangeFacts, PresenceFact, StreamFacts, TrackerFacts, Verdict } from '../policy/types.js';
import { evaluate } from '../policy/verdict.js';

/**
 * "May these commits go to that stream?" — gathers the facts the policy needs (the
 * commits and what they change, the streams, whether each commit is already on every
 * newer stream) and returns the policy's verdict. The policy itself reads nothing.
 */

/**
 * Finds whether commits are on branches: the engine's `status` (the equivalence ladder) has
 * this shape. `from` is where the commits come from (upstream's main branch).
 */
export type PresenceLookup = (opts: {
  repo: Repo;
  commits: string[];
  branches: string[];
  from?: string;
}) => Promise<StatusReport>;

export interface CheckOptions {
  repo: Repo;
  config: FerryConfig;
  /** Revisions as the user gave them; resolved once, here. */
  commits: string[];
  /** The target stream, by name or branch. */
  to: string;
  /** The day the policy judges on. */
  now: Date | string;
  /** The engine's `status` in the CLI and the service; injectable for tests. */
  presence: PresenceLookup;
  /** Streams (by name) on which the commits are in review (from the store, later). */
  inReview?: { commit?: string; stream: string }[];
  tracker?: TrackerFacts;
}

/** The commits each backport names as its origin (provenance lines), those this repository has. */
async function originalsOf(repo: Repo, facts: readonly ChangeFacts[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const f of facts) {
    const found: string[] = [];
    for (const ref of provenanceRefs(f.message)) {
      try {
        const oid = await repo.resolveCommit(ref.hash, 'cited commit');
        if (oid !== f.commit && !found.includes(oid)) found.push(oid);
      } catch (e) {
        if (!(e instanceof BadInputError)) throw e;
      }
    }
    out.set(f.commit, found);
  }
  return out;
}

export async function checkCommits(opts: CheckOptions): Promise<Verdict> {
  const { repo, config } = opts;
  const policy = resolvePolicy(config.policy);
  const streams: StreamFacts[] = config.streams.map((s) => ({
    name: s.name,
    branch: s.branch,
    state: s.state,
    release_date: s.release_date,
  }));
  const index = findStream(streams, opts.to);
  const mainBranch = config.repositories.upstream?.main_branch;
  const upstream = mainBranch ? { name: mainBranch, branch: mainBranch } : null;
  const newer = newerStreams(streams, index, upstream);
  for (const r of opts.inReview ?? [])
    if (!newer.some((s) => s.name === r.stream))
      throw new BadInputError(
        r.stream,
        `in-review stream '${r.stream}' is not newer than ${streams[index]!.name}; expected one of: ${newer.map((s) => s.name).join(', ') || '(none)'}`,
      );

  const oids = await repo.resolveCommits(opts.commits, 'commit');
  const [commits, changes] = await Promise.all([readCommits(repo, oids), readChanges(repo, oids)]);
  const facts: ChangeFacts[] = oids.map((oid, i) => ({
    commit: oid,
    message: commits[i]!.message,
    files: changes[i]!.files,
  }));

  const presence: PresenceFact[] = [];
  if (policy.newer_first.enabled && newer.length > 0) {
    const branches: string[] = [];
    for (const s of newer) {
      const ref = await repo.findBranch(s.branch);
      if (!ref)
        throw new BadInputError(
          s.branch,
          `branch '${s.branch}' of stream ${s.name} is not in ${repo.dir}; fetch it, or fix the stream's branch`,
        );
      branches.push(s.branch);
    }
    // A commit that is itself a backport (a newer stream's, or a y-stream MR's) carries the
    // same change as the commit it names: ask about both, and count either.
    const originals = await originalsOf(repo, facts);
    const asked = [...new Set([...oids, ...[...originals.values()].flat()])];
    const report = await opts.presence({
      repo,
      commits: asked,
      branches,
      ...(mainBranch ? { from: mainBranch } : {}),
    });
    for (const oid of new Set(oids)) {
      for (const stream of newer) {
        const onBranch = report.entries.filter((e) => e.branch === stream.branch && e.state === 'present');
        const candidates = [
          ...onBranch.filter((e) => e.commit === oid),
          ...onBranch.filter((e) => originals.get(oid)?.includes(e.commit)),
        ];
        const hit = candidates.find((e) => !e.weak) ?? candidates[0];
        if (!hit) continue;
        const via =
          hit.commit === oid
            ? hit.via
            : `${hit.via}, as ${hit.commit.slice(0, 12)} which this commit was picked from`;
        presence.push({ commit: oid, stream: stream.name, state: 'present', via, weak: hit.weak });
      }
    }
  }
  for (const r of opts.inReview ?? [])
    for (const oid of oids)
      if (r.commit === undefined || oid.startsWith(r.commit))
        presence.push({ commit: oid, stream: r.stream, state: 'in-review', via: 'review' });

  return evaluate(
    { changes: facts, target: opts.to, streams, upstream, presence, tracker: opts.tracker, now: opts.now },
    policy,
  );
}
