/**
 * How fast the command answers `--help` (start-up cost), beside git and the `backport` CLI
 * (sorenlouv/backport) when it is installed in bench/.cache/backport-cli.
 *
 *   npm run build && npx tsx bench/startup.ts [--runs 20]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
const root = path.resolve(import.meta.dirname, '..');
const ferry = path.join(root, 'dist/cli/main.js');
if (!existsSync(ferry)) throw new Error('run npm run build first');
const backport = path.join(root, 'bench/.cache/backport-cli/node_modules/.bin/backport');

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function time(cmd: string, args: string[], n = runs): number {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    spawnSync(cmd, args, { stdio: 'ignore', timeout: 60_000 });
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

console.log(`median of ${runs} runs:`);
console.log(`  ferry pick --help        ${time(process.execPath, [ferry, 'pick', '--help']).toFixed(0)} ms`);
console.log(`  ferry --help             ${time(process.execPath, [ferry, '--help']).toFixed(0)} ms`);
console.log(`  git cherry-pick -h       ${time('git', ['cherry-pick', '-h']).toFixed(0)} ms`);
if (existsSync(backport))
  console.log(`  backport --help          ${time(backport, ['--help'], Math.min(runs, 5)).toFixed(0)} ms`);
else
  console.log(
    '  backport --help          (not installed: npm install --prefix bench/.cache/backport-cli backport)',
  );
