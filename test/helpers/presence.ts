import type { Presence } from '../../src/engine/types.js';
import type { PresenceLookup } from '../../src/workflows/check.js';

/**
 * Stand-in for the engine's `status` until it is in the tree: the two strongest rungs of
 * the ladder (reachable; a `(cherry picked from commit X)` line), through real git.
 */
export const ancestryAndProvenance: PresenceLookup = async ({ repo, commits, branches }) => {
  const entries: Presence[] = [];
  for (const branch of branches)
    for (const commit of commits) {
      let via: Presence['via'] = null;
      let match: string | null = null;
      if (await repo.isAncestor(commit, branch)) {
        via = 'ancestor';
        match = commit;
      } else {
        const out = await repo.text([
          'log',
          '--format=%H',
          '-F',
          `--grep=(cherry picked from commit ${commit})`,
          branch,
          '--',
        ]);
        if (out) {
          via = 'provenance';
          match = out.split('\n')[0]!;
        }
      }
      entries.push({ commit, branch, state: match ? 'present' : 'missing', via, match, weak: false });
    }
  return { commits: [], branches: [], entries };
};
