import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { enqueue, getJob, openStore } from '../../src/store/index.js';
import { eventually, spawnTs } from '../helpers/children.js';
import { backends, testDatabase } from '../helpers/store.js';

const CHILD = 'test/helpers/worker-child.ts';

for (const backend of backends()) {
  describe(`crash [${backend}]`, () => {
    test('a worker killed with SIGKILL mid-job: after the lease the job runs again and each side effect happened once', async () => {
      const db = await testDatabase(backend);
      const dir = mkdtempSync(path.join(tmpdir(), 'ferry-crash-'));
      try {
        let store = await openStore(db.open);
        await store.db.execute(sql`CREATE TABLE test_effects (job_id bigint, name text, worker text)`);
        const { job } = await enqueue(store.db, { kind: 'test.effects', payload: { dir, hang_first: true } });
        // PGlite has one owner: the parent lets go while the children run.
        if (backend === 'pglite') await store.close();

        const env = { ...db.env, FERRY_TEST_LEASE_MS: '1500' };
        const first = spawnTs(CHILD, [], env);
        await first.waitFor(/^ready/);
        await eventually(
          async () => (existsSync(path.join(dir, 'reached')) ? true : undefined),
          'the first try to reach its kill point',
        );
        first.proc.kill('SIGKILL');
        assert.deepEqual(await first.exited, { code: null, signal: 'SIGKILL' });

        // The second worker takes over the dead owner's lock (PGlite), finds the lease
        // expired, runs the job again, and stops when the queue is empty.
        const second = spawnTs(CHILD, [], { ...env, FERRY_TEST_EXIT_WHEN_IDLE: '1' });
        const { code } = await second.exited;
        assert.equal(code, 0, second.stderr());

        if (backend === 'pglite') store = await openStore(db.open);
        const done = (await getJob(store.db, job.id))!;
        assert.equal(done.state, 'done');
        assert.equal(done.attempts, 2, 'the killed try and the one that finished');
        const rows = (await store.db.execute(
          sql`SELECT name, worker FROM test_effects ORDER BY name`,
        )) as unknown as {
          rows: { name: string; worker: string }[];
        };
        assert.deepEqual(
          rows.rows.map((r) => r.name),
          ['b', 'd'],
          'each database effect once',
        );
        assert.notEqual(
          rows.rows[0]!.worker,
          rows.rows[1]!.worker,
          'b by the killed worker, d by the second',
        );
        const files = readdirSync(dir).sort();
        const count = (name: string) => files.filter((f) => f.startsWith(`${name}.`)).length;
        assert.equal(count('a'), 1, 'file a written once (before the kill, not again)');
        assert.equal(count('c'), 1, 'file c written once (after the restart)');
        await store.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
