import type { Repo } from './repo.js';

/**
 * The paths each commit changes (against its first parent; merges list none), for many
 * commits with one `git diff-tree --stdin`. Cheap next to a full diff, so it is used to
 * decide which commits could possibly share a patch-id before computing any.
 */
export async function changedPaths(repo: Repo, commits: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (commits.length === 0) return out;
  const r = await repo.run(
    ['diff-tree', '--stdin', '-r', '--name-only', '--root', '--no-renames', '-z', '--format=%x01%H'],
    {
      input: `${[...new Set(commits)].join('\n')}\n`,
      timeoutMs: 600_000,
    },
  );
  let current: string[] | null = null;
  for (let token of r.stdout.toString('utf8').split('\0')) {
    if (token.startsWith('\n')) token = token.slice(1);
    if (token.startsWith('\x01')) {
      current = [];
      out.set(token.slice(1), current);
    } else if (token && current) current.push(token);
  }
  for (const c of commits) if (!out.has(c)) out.set(c, []);
  return out;
}
