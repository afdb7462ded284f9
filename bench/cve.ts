/**
 * Parse every kernel CVE announcement in ../shared/data/kernel-cves and print how fast.
 * Run: npx tsx bench/cve.ts [data-dir] [--runs N]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAnnouncements } from '../src/sources/cve/parse.js';
import { readMboxPaths } from '../src/sources/cve/read-mbox.js';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt === -1 ? 5 : Number(args[runsAt + 1]);
const dataDir =
  args.find((a, i) => !a.startsWith('--') && i !== runsAt + 1) ??
  path.resolve(fileURLToPath(new URL('..', import.meta.url)), '../shared/data/kernel-cves');

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

const t0 = process.hrtime.bigint();
const messages = await readMboxPaths([dataDir]);
const readMs = ms(t0);
const bytes = messages.reduce((n, m) => n + m.raw.length, 0);

const tCold = process.hrtime.bigint();
let last = parseAnnouncements(messages);
const coldMs = ms(tCold);
const parseTimes: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = process.hrtime.bigint();
  last = parseAnnouncements(messages);
  parseTimes.push(ms(t));
}
parseTimes.sort((a, b) => a - b);
const median = parseTimes[Math.floor(parseTimes.length / 2)]!;
const best = parseTimes[0]!;
const totalCold = readMs + coldMs;

const fmt = (n: number) => n.toFixed(1);
console.log(`data: ${dataDir}`);
console.log(
  `messages: ${messages.length} (${(bytes / 1024 / 1024).toFixed(2)} MiB), parsed ${last.announcements.length}, errors ${last.errors.length}`,
);
console.log(`read files + split mbox: ${fmt(readMs)} ms`);
console.log(
  `parse, first run (cold): ${fmt(coldMs)} ms → ${Math.round((messages.length * 1000) / coldMs)} messages/s`,
);
console.log(
  `parse (${runs} runs after the first): median ${fmt(median)} ms, best ${fmt(best)} ms → ${Math.round(
    (messages.length * 1000) / median,
  )} messages/s`,
);
console.log(
  `read + first parse of everything: ${fmt(totalCold)} ms (target: under 1000 ms) → ${totalCold < 1000 ? 'met' : 'NOT met'}`,
);
