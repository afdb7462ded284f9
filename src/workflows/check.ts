import type { FerryConfig } from '../config/schema.js';
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
    const report = await opts.presence({
      repo,
      commits: [...new Set(oids)],
      branches,
      ...(mainBranch ? { from: mainBranch } : {}),
    });
    for (const e of report.entries) {
      const stream = newer.find((s) => s.branch === e.branch);
      if (stream)
        presence.push({ commit: e.commit, stream: stream.name, state: e.state, via: e.via, weak: e.weak });
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
