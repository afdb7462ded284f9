/**
 * `ferry status` on real history: N upstream commits × the stable branches of nova, cold
 * (no patch-id cache) and warm, beside what plain git offers for the same question
 * (`git cherry <branch> <main>` per branch, which only knows patch-ids).
 *
 *   npx tsx bench/status.ts [--commits 1000] [--repo DIR]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { status } from '../src/engine/status.js';
import { Repo } from '../src/git/repo.js';

const { values } = parseArgs({
  options: { commits: { type: 'string', default: '1000' }, repo: { type: 'string' } },
});
const dir = values.repo ?? process.env.FERRY_BENCH_NOVA ?? '/work/.mirror/openstack+nova/repo';
if (!existsSync(dir)) throw new Error(`no nova clone at ${dir}; pass --repo or set FERRY_BENCH_NOVA`);
const branches = [
  'stable/2026.1',
  'stable/2025.2',
  'stable/2025.1',
  'unmaintained/2024.1',
  'unmaintained/2023.1',
];
const n = Number(values.commits);
const commits = spawnSync('git', ['rev-list', '--no-merges', '-n', String(n), 'master'], {
  cwd: dir,
  encoding: 'utf8',
})
  .stdout.trim()
  .split('\n');

const repo = await Repo.open(dir);
const cache = path.join(repo.gitDir, 'ferry', 'patch-ids.v1');

async function timed(label: string, fn: () => Promise<unknown>) {
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  console.log(`  ${label.padEnd(44)} ${(ms / 1000).toFixed(2)} s`);
  return ms;
}

console.log(`nova: ${commits.length} commits × ${branches.length} branches`);
rmSync(cache, { force: true });
await timed('ferry status, cold (no patch-id cache)', () => status({ repo: dir, commits, branches }));
await timed('ferry status, warm', () => status({ repo: dir, commits, branches }));
await timed('git cherry <branch> master, 5 branches', async () => {
  for (const b of branches)
    spawnSync('git', ['cherry', b, 'master'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
});
const rss = process.memoryUsage().rss;
console.log(`  peak resident memory of this process: ${(rss / 2 ** 20).toFixed(0)} MiB`);
