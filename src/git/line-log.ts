import type { Repo } from './repo.js';

export interface LineRange {
  path: string;
  /** 1-based, inclusive. */
  start: number;
  end: number;
}

/**
 * The commits in `range` (e.g. `base..tip`, as full ids) that touched the given lines of
 * `tip`'s version of a file, newest first: `git log -L` without patches.
 */
export async function commitsTouchingLines(
  repo: Repo,
  tip: string,
  base: string | null,
  ranges: readonly LineRange[],
): Promise<string[]> {
  if (ranges.length === 0) return [];
  const args = ['log', '-s', '--format=%x01%H'];
  for (const r of ranges) args.push(`-L${r.start},${r.end}:${r.path}`);
  args.push(tip);
  if (base) args.push(`^${base}`);
  const r = await repo.run(args, { okExitCodes: [0, 128], timeoutMs: 60_000 });
  if (r.code !== 0) return [];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: %x01 marks each commit line in git's output
  return [...r.stdout.toString('utf8').matchAll(/\x01([0-9a-f]{40})/g)].map((m) => m[1]!);
}

/** Commits in `base..tip` that changed any of `paths` (with one `git log`). */
export async function commitsTouchingPaths(
  repo: Repo,
  tip: string,
  base: string | null,
  paths: readonly string[],
  opts: { diffFilter?: string } = {},
): Promise<string[]> {
  if (paths.length === 0) return [];
  const args = ['log', '--format=%H', '--no-merges'];
  if (opts.diffFilter) args.push(`--diff-filter=${opts.diffFilter}`);
  args.push(tip);
  if (base) args.push(`^${base}`);
  args.push('--', ...paths.map((p) => `:(literal)${p}`));
  const r = await repo.run(args, { timeoutMs: 60_000 });
  return r.stdout.toString('utf8').split('\n').filter(Boolean);
}
