/**
 * Webhook ingest benchmark: a bounded loopback load of signed GitHub `issues` deliveries
 * against a real `ferry serve` process (its own worker running too), measuring deliveries
 * per second and the latency to the durable acknowledgement (the 202 is sent only after the
 * delivery and its job are committed).
 *
 *   npm run build && npx tsx bench/ingest.ts     PGlite, and PostgreSQL when DATABASE_URL is set
 *
 * It runs the compiled CLI (`dist/`), as `npx ferry serve` does. BENCH_BACKENDS=pglite|postgres
 * chooses; BENCH_SKIP_CLOSED=1 runs the fixed rate only; BENCH_SERVE_NODE_ARGS passes node
 * options to the server (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 *
 * Two phases per store: the most the server takes from 64 concurrent senders (closed
 * loop), then a fixed rate (500/s on PGlite, 2,000/s on PostgreSQL: the targets) held for
 * a few seconds (open loop), with p50/p99 at that rate. Every accepted delivery is then
 * counted in the store. Only 127.0.0.1 is contacted; every loop is bounded.
 */
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore } from '../src/store/open.js';

const REPO = path.resolve(import.meta.dirname, '..');
const SECRET = 'bench-secret';
const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples') as { name: string; examples: object[] }[];
const issue = examples.find((e) => e.name === 'issues')!.examples[0]!;

interface Sample {
  ms: number;
  status: number;
  /** When it was sent (performance.now()). */
  at: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function signed(n: number) {
  const body = JSON.stringify({ ...issue, ferry_bench: n });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-github-event': 'issues',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
  };
}

function send(agent: http.Agent, port: number, d: ReturnType<typeof signed>): Promise<Sample> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/webhooks/github', headers: d.headers, agent },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ ms: performance.now() - started, status: res.statusCode ?? 0, at: started }),
        );
      },
    );
    req.on('error', () => resolve({ ms: performance.now() - started, status: 0, at: started }));
    req.end(d.body);
  });
}

function summarize(samples: Sample[], seconds: number) {
  const ok = samples.filter((s) => s.status === 202);
  const ms = ok.map((s) => s.ms).sort((a, b) => a - b);
  return {
    sent: samples.length,
    accepted: ok.length,
    per_second: Math.round(ok.length / seconds),
    p50_ms: Number(percentile(ms, 50).toFixed(2)),
    p99_ms: Number(percentile(ms, 99).toFixed(2)),
    max_ms: Number((ms[ms.length - 1] ?? Number.NaN).toFixed(2)),
    /** Seconds into the phase at which the slowest 1 % were sent: a stall shows as a cluster. */
    slowest_sent_at_s: slowestSentAt(ok),
  };
}

function slowestSentAt(ok: Sample[]): number[] {
  if (ok.length === 0) return [];
  const start = Math.min(...ok.map((s) => s.at));
  return [...ok]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, Math.max(1, Math.floor(ok.length / 100)))
    .map((s) => Number(((s.at - start) / 1000).toFixed(2)))
    .sort((a, b) => a - b);
}

/** Closed loop: `concurrency` senders, each sending the next delivery as soon as one is answered. */
async function closedLoop(port: number, total: number, concurrency: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const bodies = Array.from({ length: total }, (_, i) => signed(i));
  const samples: Sample[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) samples.push(await send(agent, port, bodies[next++]!));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return summarize(samples, seconds);
}

/** Open loop: deliveries started at `rate` per second for `seconds`, whatever the answers do. */
async function openLoop(port: number, rate: number, seconds: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = rate * seconds;
  const bodies = Array.from({ length: total }, (_, i) => signed(1e6 + i));
  const pending: Promise<Sample>[] = [];
  const started = performance.now();
  // Ticks of 5 ms: each sends what the schedule owes by then.
  while (pending.length < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    while (pending.length < due) pending.push(send(agent, port, bodies[pending.length]!));
    await new Promise((r) => setTimeout(r, 5));
  }
  const samples = await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { target_per_second: rate, ...summarize(samples, Math.max(seconds, elapsed)) };
}

async function startServe(env: Record<string, string>, dataDir: string, configFile: string) {
  const child = spawn(
    process.execPath,
    [
      // e.g. BENCH_SERVE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server
      ...(process.env.BENCH_SERVE_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      // The compiled CLI, as `npx ferry serve` runs it (`npm run build` first).
      path.join(REPO, 'dist/cli/main.js'),
      'serve',
      '--port',
      '0',
      '--json',
      '--data',
      dataDir,
      '--config',
      configFile,
    ],
    {
      cwd: REPO,
      env: {
        ...process.env,
        GH_SECRET: SECRET,
        FERRY_LOG_LEVEL: process.env.FERRY_LOG_LEVEL ?? 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const ready = await new Promise<{ url: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.on('exit', (code) => reject(new Error(`ferry serve exited ${code}`)));
  });
  return { child, port: Number(new URL(ready.url).port) };
}

async function run(backend: 'pglite' | 'postgres', targetRate: number, closedTotal: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-bench-'));
  const configFile = path.join(dir, 'ferry.yaml');
  writeFileSync(configFile, 'server:\n  webhooks:\n    github: { secret_env: GH_SECRET }\n');
  let databaseUrl = '';
  let dropDb: (() => Promise<void>) | undefined;
  if (backend === 'postgres') {
    const base = process.env.DATABASE_URL!;
    const name = `${new URL(base).pathname.slice(1)}_bench`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDb = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    };
  }
  const serve = await startServe({ DATABASE_URL: databaseUrl }, path.join(dir, 'data'), configFile);
  try {
    // Warm up the JIT and the connections.
    await closedLoop(serve.port, 500, 16);
    const max = process.env.BENCH_SKIP_CLOSED
      ? summarize([], 1)
      : await closedLoop(serve.port, closedTotal, 64);
    const atRate = await openLoop(serve.port, targetRate, 5);
    serve.child.kill('SIGTERM');
    await new Promise((r) => serve.child.on('exit', r));
    const store = await openStore(databaseUrl ? { databaseUrl } : { dataDir: path.join(dir, 'data') });
    const { rows } = (await store.db.execute(
      (
        await import('drizzle-orm')
      ).sql`SELECT count(*)::int AS n FROM deliveries`,
    )) as unknown as { rows: { n: number }[] };
    await store.close();
    const accepted = 500 + max.accepted + atRate.accepted;
    return { backend, closed_loop_64: max, open_loop: atRate, stored: rows[0]!.n, accepted_total: accepted };
  } finally {
    if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await dropDb?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!existsSync(path.join(REPO, 'dist/cli/main.js'))) {
  console.error('bench/ingest: dist/cli/main.js is missing; run `npm run build` first');
  process.exit(2);
}
const only = process.env.BENCH_BACKENDS?.split(',');
const results = [];
if (!only || only.includes('pglite')) results.push(await run('pglite', 500, 5000));
if (process.env.DATABASE_URL && (!only || only.includes('postgres')))
  results.push(await run('postgres', 2000, 20000));
else console.error('bench/ingest: DATABASE_URL is not set; PostgreSQL skipped');
for (const r of results) {
  const m = r.closed_loop_64;
  const o = r.open_loop;
  console.log(
    `${r.backend.padEnd(8)} max ${m.per_second}/s (p50 ${m.p50_ms} ms, p99 ${m.p99_ms} ms, 64 senders) | ` +
      `at ${o.target_per_second}/s: ${o.per_second}/s p50 ${o.p50_ms} ms p99 ${o.p99_ms} ms max ${o.max_ms} ms | ` +
      `stored ${r.stored}/${r.accepted_total} accepted`,
  );
}
console.log(JSON.stringify(results, null, 2));
