import type { Rung, StatusReport } from '../../engine/types.js';
import { lookupCommits } from '../../git/lookup-commits.js';
import type { Repo } from '../../git/repo.js';
import { type CommitOnBranch, type FindOnBranches, notChecked } from './affected.js';

/** The engine's `status` (src/engine/status.ts), as far as this adapter uses it. */
export type LadderStatus = (opts: {
  repo: Repo;
  commits: string[];
  branches: string[];
  lowest?: Rung;
}) => Promise<StatusReport>;

/**
 * "Is each announced commit on each stream branch", answered by the engine's equivalence ladder
 * in one repository. Announced commits the repository does not hold, and branches it does not
 * have, are answered `unknown` with the reason rather than failing the whole CVE.
 */
export function ladderOnRepo(repo: Repo, status: LadderStatus): FindOnBranches {
  return async (commits, branches) => {
    const known = await lookupCommits(repo, commits);
    const present = await Promise.all(branches.map(async (b) => ((await repo.findBranch(b)) ? b : null)));
    const usable = present.filter((b): b is string => b !== null);
    const oids = [...new Set([...known.values()].map((k) => k.oid).filter((o): o is string => o !== null))];
    const report =
      oids.length && usable.length ? await status({ repo, commits: oids, branches: usable }) : null;
    const out: CommitOnBranch[] = [];
    for (const branch of branches)
      for (const commit of commits) {
        const k = known.get(commit);
        const unknown = (note: string) => notChecked(commit, branch, note);
        if (!usable.includes(branch)) out.push(unknown(`branch ${branch} is not in ${repo.dir}`));
        else if (!k || k.oid === null)
          out.push(unknown(`commit ${commit.slice(0, 12)} is ${k?.problem ?? 'missing'} in ${repo.dir}`));
        else {
          const e = report?.entries.find((x) => x.branch === branch && x.commit === k.oid);
          out.push(
            e
              ? { commit, branch, state: e.state, via: e.via, match: e.match, weak: e.weak }
              : unknown('the ladder gave no answer'),
          );
        }
      }
    return out;
  };
}
