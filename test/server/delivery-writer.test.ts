import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { DeliveryWriter } from '../../src/server/delivery-writer.js';
import { findDeliveries } from '../../src/store/deliveries.js';
import { enqueue } from '../../src/store/index.js';
import { backends, sharedStore, testStore } from '../helpers/store.js';

for (const backend of backends()) {
  describe(`delivery writer [${backend}]`, () => {
    const store = sharedStore(backend);

    test('deliveries written in one turn of the event loop share one statement, each answered with its own row', async () => {
      const batches: number[] = [];
      const writer = new DeliveryWriter(store(), {
        maxBatch: 64,
        maxConcurrent: 1,
        onStored: (n) => batches.push(n),
      });
      const keys = Array.from({ length: 20 }, () => randomUUID());
      const body = JSON.stringify({ text: 'quotes " and backslashes \\ and ünïcödé, kept byte for byte' });
      const results = await Promise.all(
        keys.map((k) =>
          writer.write({
            source: 'github',
            dedupKey: k,
            event: 'issues',
            headers: { 'x-github-event': 'issues' },
            body,
          }),
        ),
      );
      assert.deepEqual(batches, [20], 'one statement for the 20');
      assert.ok(results.every((r) => r.outcome === 'queued' && r.id && r.jobId));
      assert.equal(new Set(results.map((r) => r.id)).size, 20);
      const stored = await findDeliveries(store().db, 'github', keys);
      assert.equal(stored.length, 20);
      assert.ok(stored.every((d) => d.body === body && d.headers['x-github-event'] === 'issues'));
      await writer.idle();
    });

    test('a replay within the same batch is a duplicate, and a batch above the limit is split', async () => {
      const batches: number[] = [];
      const writer = new DeliveryWriter(store(), {
        maxBatch: 8,
        maxConcurrent: 1,
        onStored: (n) => batches.push(n),
      });
      const keys = Array.from({ length: 19 }, () => randomUUID());
      keys.push(keys[0]!);
      const results = await Promise.all(
        keys.map((k) =>
          writer.write({ source: 'gitlab', dedupKey: k, event: null, headers: {}, body: '{}' }),
        ),
      );
      assert.deepEqual(batches, [8, 8, 4]);
      assert.equal(results[0]!.outcome, 'ignored');
      assert.equal(results[19]!.outcome, 'duplicate');
      assert.equal(results.filter((r) => r.outcome === 'ignored').length, 19);
    });
  });
}

describe('embedded store maintenance', () => {
  test("maintain() brings the jobs table's statistics up to date, so claims read the first ready job from the index", async (t) => {
    const store = await testStore('pglite');
    t.after(() => store.close());
    const kind = `m.${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 2000; i += 500)
      await Promise.all(
        Array.from({ length: 500 }, (_, j) => enqueue(store.db, { kind, payload: { n: i + j } })),
      );
    const estimate = async () =>
      Number(
        (
          (await store.db.execute(sql`SELECT reltuples FROM pg_class WHERE relname = 'jobs'`)) as unknown as {
            rows: { reltuples: number }[];
          }
        ).rows[0]!.reltuples,
      );
    assert.ok((await estimate()) < 2000, 'PGlite has no autovacuum: the estimate is stale before');
    await store.maintain();
    assert.ok((await estimate()) >= 2000, 'and up to date after');
    const plan = (await store.db.execute(sql`
      EXPLAIN SELECT id FROM jobs WHERE state = 'queued' AND run_at <= now() AND kind IN (${kind})
      ORDER BY priority, run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`)) as unknown as {
      rows: { 'QUERY PLAN': string }[];
    };
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(text, /Index Scan using jobs_ready/, text);
    assert.doesNotMatch(text, /Sort/, text);
  });
});
