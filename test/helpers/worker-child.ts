/**
 * A real worker process for the crash, scale and shutdown tests: the service's own
 * `runServiceProcess` (the same code as `ferry worker`), with a few job kinds whose side
 * effects the tests count. Configured by environment:
 *   DATABASE_URL or FERRY_DATA   the store
 *   FERRY_TEST_LEASE_MS          lease length (default 60000)
 *   FERRY_TEST_GRACE_S           shutdown grace (default 30)
 *   FERRY_TEST_SCHEDULES         JSON of config `schedules`
 *   FERRY_TEST_EXIT_WHEN_IDLE=1  stop once no job is queued or running
 *   FERRY_TEST_CONCURRENCY       jobs at once (default 1)
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { ferryConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/server/log.js';
import { runServiceProcess } from '../../src/server/process.js';
import { JobKinds } from '../../src/store/job-kinds.js';
import type { Store } from '../../src/store/open.js';
import { countJobsByState } from '../../src/store/queue.js';
import { EventRegistry } from '../../src/workflows/events.js';

const env = process.env;
const kinds = new JobKinds();
const workerName = `child-${process.pid}`;

/** Three effects; on its first try it stops after the first two (and waits to be killed). */
kinds.register<{ dir: string; hang_first?: boolean }>('test.effects', async (ctx) => {
  const { dir } = ctx.payload;
  const write = (name: string) => async () => {
    writeFileSync(path.join(dir, `${name}.${process.pid}.${Date.now()}`), '');
    writeFileSync(path.join(dir, name), '');
    return name;
  };
  const exists = (name: string) => async () => (existsSync(path.join(dir, name)) ? name : undefined);
  await ctx.effects.once('file:a', write('a'), { find: exists('a') });
  await ctx.effects.inTransaction('row:b', async (tx) => {
    await tx.execute(
      sql`INSERT INTO test_effects (job_id, name, worker) VALUES (${ctx.job.id}, 'b', ${workerName})`,
    );
  });
  if (ctx.payload.hang_first && ctx.job.attempts === 1) {
    writeFileSync(path.join(dir, 'reached'), String(process.pid));
    await new Promise(() => {});
  }
  await ctx.effects.once('file:c', write('c'), { find: exists('c') });
  await ctx.effects.inTransaction('row:d', async (tx) => {
    await tx.execute(
      sql`INSERT INTO test_effects (job_id, name, worker) VALUES (${ctx.job.id}, 'd', ${workerName})`,
    );
  });
});

kinds.register('test.count', async (ctx) => {
  await ctx.store.db.execute(
    sql`INSERT INTO test_runs (job_id, worker) VALUES (${ctx.job.id}, ${workerName})`,
  );
});

kinds.register<{ slot: string }>('test.tick', async (ctx) => {
  await ctx.store.db.execute(
    sql`INSERT INTO test_ticks (slot, worker) VALUES (${ctx.payload.slot}, ${workerName})`,
  );
});

/** Sleeps `ms`, stopping early (and throwing) when asked to. */
kinds.register<{ ms: number; dir?: string }>('test.sleep', async (ctx) => {
  if (ctx.payload.dir) writeFileSync(path.join(ctx.payload.dir, `started-${ctx.job.id}`), '');
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ctx.payload.ms);
    ctx.signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(ctx.signal.reason);
    });
  });
});

const config = ferryConfig.parse({
  schedules: env.FERRY_TEST_SCHEDULES ? JSON.parse(env.FERRY_TEST_SCHEDULES) : {},
  server: {
    worker: {
      concurrency: Number(env.FERRY_TEST_CONCURRENCY ?? 1),
      shutdown_grace_seconds: Number(env.FERRY_TEST_GRACE_S ?? 30),
    },
  },
});

let ready: (s: Store) => void;
const storeReady = new Promise<Store>((r) => {
  ready = r;
});

async function idle(): Promise<string> {
  const store = await storeReady;
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const c = await countJobsByState(store.db);
    if (c.queued + c.running === 0) return 'idle';
  }
}

await runServiceProcess({
  config,
  store: env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, poolSize: 4 } : { dataDir: env.FERRY_DATA! },
  env,
  log: createLogger({ level: env.FERRY_LOG_LEVEL ?? 'warn' }),
  kinds,
  events: new EventRegistry(),
  workerOptions: {
    id: workerName,
    leaseMs: Number(env.FERRY_TEST_LEASE_MS ?? 60_000),
    pollMs: 50,
    reapEveryMs: 250,
    tickEveryMs: 200,
  },
  until: env.FERRY_TEST_EXIT_WHEN_IDLE === '1' ? idle() : undefined,
  onReady(_service, store) {
    ready(store);
    process.stdout.write(`ready ${process.pid}\n`);
  },
});
process.stdout.write(`stopped ${process.pid}\n`);
