/**
 * Parse every kernel CVE announcement in ../shared/data/kernel-cves and print how fast.
 * Run: npx tsx bench/cve.ts [data-dir] [--runs N]
 */
import os from 'node:os';
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
const cpuStart = process.cpuUsage();
for (let i = 0; i < runs; i++) {
  const t = process.hrtime.bigint();
  last = parseAnnouncements(messages);
  parseTimes.push(ms(t));
}
const cpu = process.cpuUsage(cpuStart);
const cpuPerRun = (cpu.user + cpu.system) / 1000 / runs;
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
  `parse CPU time per run: ${fmt(cpuPerRun)} ms (wall time above includes waiting for the CPU on a busy machine; load ${os
    .loadavg()[0]!
    .toFixed(1)} on ${os.availableParallelism()} cores)`,
);
console.log(
  `read + first parse of everything: ${fmt(totalCold)} ms (target: under 1000 ms) → ${totalCold < 1000 ? 'met' : 'NOT met'}`,
);

// The same messages read back from a public-inbox v2 epoch (built here with git fast-import in
// public-inbox's layout: one commit per message, the message as blob `m`), to time the
// incremental git reader: everything from an empty cursor, then the last 10 after a cursor.
const { mkdtempSync, mkdirSync, rmSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { execFileSync } = await import('node:child_process');
const { readInbox } = await import('../src/sources/cve/read-inbox.js');
const inbox = mkdtempSync(path.join(tmpdir(), 'ferry-bench-inbox-'));
try {
  const epoch = path.join(inbox, 'git', '0.git');
  mkdirSync(epoch, { recursive: true });
  execFileSync('git', ['init', '-q', '--bare', '-b', 'master', epoch]);
  const chunks: Buffer[] = [];
  messages.forEach((m, i) => {
    const when = 1_700_000_000 + i * 60;
    chunks.push(
      Buffer.from(
        `commit refs/heads/master\ncommitter bench <bench@example.invalid> ${when} +0000\ndata 4\nmail\nM 100644 inline m\ndata ${m.raw.length}\n`,
      ),
      m.raw,
      Buffer.from('\n'),
    );
  });
  execFileSync('git', ['-C', epoch, 'fast-import', '--quiet'], { input: Buffer.concat(chunks) });
  const tAll = process.hrtime.bigint();
  const all = await readInbox(inbox);
  const allMs = ms(tAll);
  const head = all.cursor.epochs['0']!;
  const tenBack = execFileSync('git', ['-C', epoch, 'rev-parse', `${head}~10`], { encoding: 'utf8' }).trim();
  const tNew = process.hrtime.bigint();
  const recent = await readInbox(inbox, { cursor: { epochs: { '0': tenBack } } });
  const newMs = ms(tNew);
  const parsed = parseAnnouncements(all.messages);
  console.log(
    `public-inbox epoch: read ${all.messages.length} messages in ${fmt(allMs)} ms (${Math.round(
      (all.messages.length * 1000) / allMs,
    )} messages/s, ${parsed.announcements.length} parse); the 10 after a cursor in ${fmt(newMs)} ms (${recent.messages.length} read)`,
  );
} finally {
  rmSync(inbox, { recursive: true, force: true });
}
