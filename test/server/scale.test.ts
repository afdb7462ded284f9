import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { countJobsByState, openStore } from '../../src/store/index.js';
import { eventually, spawnTs } from '../helpers/children.js';
import { testDatabase } from '../helpers/store.js';

const WORKERS = 4;
const JOBS = 2000;

type Rows<T> = { rows: T[] };

describe('scale on PostgreSQL', () => {
  test(`${WORKERS} worker processes, ${JOBS} jobs: each done exactly once; a schedule fires once per slot`, {
    skip: process.env.DATABASE_URL ? false : 'needs PostgreSQL: set DATABASE_URL=postgres://... to run it',
  }, async () => {
    const db = await testDatabase('postgres');
    const store = await openStore(db.open);
    try {
      await store.db.execute(sql`CREATE TABLE test_runs (job_id bigint NOT NULL, worker text NOT NULL)`);
      await store.db.execute(sql`CREATE TABLE test_ticks (slot text NOT NULL, worker text NOT NULL)`);
      await store.db.execute(
        sql`INSERT INTO jobs (kind, payload) SELECT 'test.count', jsonb_build_object('n', g) FROM generate_series(1, ${JOBS}) g`,
      );
      // Every second, so that several slots pass while they work.
      const schedules = JSON.stringify({ tick: { cron: '* * * * * *', job: 'test.tick' } });
      const workers = Array.from({ length: WORKERS }, () =>
        spawnTs('test/helpers/worker-child.ts', [], {
          ...db.env,
          FERRY_TEST_SCHEDULES: schedules,
          FERRY_TEST_CONCURRENCY: '2',
        }),
      );
      await Promise.all(workers.map((w) => w.waitFor(/^ready/)));
      await eventually(
        async () => {
          const c = await countJobsByState(store.db);
          return c.queued + c.running === 0 ? c : undefined;
        },
        'the queue to empty',
        120_000,
      );
      // Let a few more slots pass with all four workers watching the clock.
      await new Promise((r) => setTimeout(r, 2500));
      for (const w of workers) w.proc.kill('SIGTERM');
      const exits = await Promise.all(workers.map((w) => w.exited));
      assert.deepEqual(
        exits.map((e) => e.code),
        workers.map(() => 0),
        workers.map((w) => w.stderr()).join('\n'),
      );

      const runs = (await store.db.execute(
        sql`SELECT count(*)::int AS runs, count(DISTINCT job_id)::int AS jobs, count(DISTINCT worker)::int AS workers FROM test_runs`,
      )) as unknown as Rows<{ runs: number; jobs: number; workers: number }>;
      assert.deepEqual(runs.rows[0], { runs: JOBS, jobs: JOBS, workers: runs.rows[0]!.workers });
      assert.ok(
        runs.rows[0]!.workers >= 2,
        `the work was shared (${runs.rows[0]!.workers} workers took part)`,
      );
      const done = (await store.db.execute(
        sql`SELECT count(*)::int AS n FROM jobs WHERE kind = 'test.count' AND state = 'done' AND attempts = 1`,
      )) as unknown as Rows<{ n: number }>;
      assert.equal(done.rows[0]!.n, JOBS);

      const ticks = (await store.db.execute(
        sql`SELECT slot, count(*)::int AS n FROM test_ticks GROUP BY slot ORDER BY slot`,
      )) as unknown as Rows<{ slot: string; n: number }>;
      assert.ok(ticks.rows.length >= 2, `several slots fired (${ticks.rows.length})`);
      for (const t of ticks.rows) assert.equal(t.n, 1, `slot ${t.slot} ran ${t.n} times`);
      const slots = (await store.db.execute(
        sql`SELECT count(*)::int AS n FROM schedule_slots WHERE schedule = 'tick'`,
      )) as unknown as Rows<{ n: number }>;
      assert.equal(slots.rows[0]!.n, ticks.rows.length, 'every claimed slot ran, once');
    } finally {
      await store.close();
    }
  });
});
