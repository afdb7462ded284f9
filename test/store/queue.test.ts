import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  backoffDelay,
  claimJob,
  completeJob,
  effectsFor,
  enqueue,
  extendLease,
  failJob,
  getJob,
  listJobs,
  openStore,
  reapExpiredLeases,
  releaseJob,
  retryJob,
} from '../../src/store/index.js';
import { retryDeadJob } from '../../src/workflows/service-control.js';
import { backends, sharedStore, testDatabase } from '../helpers/store.js';

/** A kind no other test uses, so tests sharing a store never claim each other's jobs. */
const kind = () => `t.${randomUUID().slice(0, 8)}`;

test('backoff doubles from the base, is capped, and jitters within the upper half', () => {
  const b = { baseMs: 1000, maxMs: 10_000 };
  assert.equal(
    backoffDelay(1, b, () => 0),
    500,
  );
  assert.equal(
    backoffDelay(1, b, () => 1),
    1000,
  );
  assert.equal(
    backoffDelay(3, b, () => 1),
    4000,
  );
  assert.equal(
    backoffDelay(3, b, () => 0),
    2000,
  );
  assert.equal(
    backoffDelay(10, b, () => 1),
    10_000,
  );
  const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(4, b)));
  assert.ok(seen.size > 10, 'jittered');
  for (const d of seen) assert.ok(d >= 4000 && d <= 8000);
});

for (const backend of backends()) {
  describe(`queue [${backend}]`, () => {
    const store = sharedStore(backend);
    const lease = 60_000;

    test('claims the oldest ready job once, with a lease; done only by the holder', async () => {
      const k = kind();
      const a = (await enqueue(store().db, { kind: k, payload: { n: 1 } })).job;
      const b = (await enqueue(store().db, { kind: k, payload: { n: 2 } })).job;
      await enqueue(store().db, { kind: k, runAt: new Date(Date.now() + 3_600_000) });
      const first = (await claimJob(store().db, { workerId: 'w1', leaseMs: lease, kinds: [k] }))!;
      assert.equal(first.id, a.id);
      assert.equal(first.state, 'running');
      assert.equal(first.attempts, 1);
      assert.equal(first.lockedBy, 'w1');
      assert.ok(first.leaseUntil! > new Date(Date.now() + lease / 2));
      const second = (await claimJob(store().db, { workerId: 'w2', leaseMs: lease, kinds: [k] }))!;
      assert.equal(second.id, b.id);
      assert.equal(
        await claimJob(store().db, { workerId: 'w3', leaseMs: lease, kinds: [k] }),
        undefined,
        'the future job is not ready',
      );
      assert.equal(await completeJob(store().db, a.id, 'w2'), false, 'another worker cannot finish it');
      assert.equal(await extendLease(store().db, a.id, 'w1', lease), true);
      assert.equal(await completeJob(store().db, a.id, 'w1', { ok: true }), true);
      const done = (await getJob(store().db, a.id))!;
      assert.deepEqual([done.state, done.result, done.leaseUntil], ['done', { ok: true }, null]);
    });

    test('concurrent claims never hand out the same job (FOR UPDATE SKIP LOCKED)', async () => {
      const k = kind();
      for (let i = 0; i < 30; i++) await enqueue(store().db, { kind: k });
      const claims = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          claimJob(store().db, { workerId: `w${i}`, leaseMs: lease, kinds: [k] }),
        ),
      );
      const ids = claims.filter((c) => c !== undefined).map((c) => c.id);
      assert.equal(ids.length, 30);
      assert.equal(new Set(ids).size, 30);
    });

    test('a failure is retried after a backoff; the last try makes it dead; retry revives it', async () => {
      const k = kind();
      const { job } = await enqueue(store().db, { kind: k, maxAttempts: 2 });
      await claimJob(store().db, { workerId: 'w', leaseMs: lease, kinds: [k] });
      assert.equal(await failJob(store().db, job.id, 'w', 'boom 1', { retryInMs: 3_600_000 }), 'queued');
      const waiting = (await getJob(store().db, job.id))!;
      assert.ok(waiting.runAt > new Date(Date.now() + 3_000_000), 'not before its backoff');
      assert.equal(await claimJob(store().db, { workerId: 'w', leaseMs: lease, kinds: [k] }), undefined);
      const { jobs } = await import('../../src/store/schema.js');
      const { eq } = await import('drizzle-orm');
      await store().db.update(jobs).set({ runAt: new Date() }).where(eq(jobs.id, job.id));
      const again = (await claimJob(store().db, { workerId: 'w', leaseMs: lease, kinds: [k] }))!;
      assert.equal(again.attempts, 2);
      assert.equal(await failJob(store().db, job.id, 'w', 'boom 2', { retryInMs: 0 }), 'dead');
      const dead = (await getJob(store().db, job.id))!;
      assert.deepEqual([dead.state, dead.lastError], ['dead', 'boom 2']);
      assert.ok(
        (await listJobs(store().db, { state: 'dead', kind: k })).some((j) => j.id === job.id),
        'dead jobs are listed',
      );
      const r = await retryDeadJob(store(), job.id, 'test');
      assert.equal(r.retried, true);
      const revived = (await getJob(store().db, job.id))!;
      assert.deepEqual([revived.state, revived.attempts], ['queued', 0]);
      assert.deepEqual(await retryJob(store().db, job.id), {
        retried: false,
        reason: 'not-dead',
        job: revived,
      });
      assert.deepEqual(await retryJob(store().db, 987654321), { retried: false, reason: 'not-found' });
    });

    test('a permanent failure is dead at once', async () => {
      const k = kind();
      const { job } = await enqueue(store().db, { kind: k });
      await claimJob(store().db, { workerId: 'w', leaseMs: lease, kinds: [k] });
      assert.equal(
        await failJob(store().db, job.id, 'w', '404 from the forge', { retryInMs: 0, permanent: true }),
        'dead',
      );
    });

    test('the reaper gives back jobs whose lease expired, and kills those out of tries', async () => {
      const k = kind();
      const a = (await enqueue(store().db, { kind: k })).job;
      const b = (await enqueue(store().db, { kind: k, maxAttempts: 1 })).job;
      await claimJob(store().db, { workerId: 'gone', leaseMs: 1, kinds: [k] });
      await claimJob(store().db, { workerId: 'gone', leaseMs: 1, kinds: [k] });
      await new Promise((r) => setTimeout(r, 20));
      const reaped = await reapExpiredLeases(store().db);
      const mine = reaped.filter((r) => r.id === a.id || r.id === b.id).sort((x, y) => x.id - y.id);
      assert.deepEqual(mine, [
        { id: a.id, state: 'queued' },
        { id: b.id, state: 'dead' },
      ]);
      const back = (await getJob(store().db, a.id))!;
      assert.match(back.lastError!, /lease expired: worker gone/);
      assert.equal(await completeJob(store().db, a.id, 'gone'), false, 'the old holder cannot finish it');
      const next = (await claimJob(store().db, { workerId: 'new', leaseMs: lease, kinds: [k] }))!;
      assert.deepEqual([next.id, next.attempts], [a.id, 2]);
    });

    test('release gives a job back without counting the try', async () => {
      const k = kind();
      const { job } = await enqueue(store().db, { kind: k });
      await claimJob(store().db, { workerId: 'w', leaseMs: lease, kinds: [k] });
      assert.equal(await releaseJob(store().db, job.id, 'w'), true);
      const back = (await getJob(store().db, job.id))!;
      assert.deepEqual([back.state, back.attempts, back.lockedBy], ['queued', 0, null]);
    });

    test('a dedup key enqueues once', async () => {
      const k = kind();
      const key = `once:${k}`;
      const a = await enqueue(store().db, { kind: k, dedupKey: key });
      const b = await enqueue(store().db, { kind: k, dedupKey: key });
      assert.deepEqual([a.created, b.created, b.job.id], [true, false, a.job.id]);
    });

    test('effects: done once per key; a recorded or found effect is not repeated', async () => {
      const scope = `job:${kind()}`;
      const fx = effectsFor(store().db, scope);
      let pushes = 0;
      const push = async () => {
        pushes++;
        return { sha: 'abc' };
      };
      assert.deepEqual(await fx.once('push:ferry/X-1', push), { sha: 'abc' });
      assert.deepEqual(await fx.once('push:ferry/X-1', push), { sha: 'abc' });
      assert.equal(pushes, 1);
      // Done outside before a crash, not recorded: `find` sees it and it is recorded now.
      let created = 0;
      const mr = await fx.once('mr:ferry/X-1', async () => ++created, { find: async () => 7 });
      assert.deepEqual([mr, created], [7, 0]);
      assert.deepEqual(await fx.get('mr:ferry/X-1'), { result: 7 });
      // Database effects in the same transaction as their record, even when raced.
      const { requests } = await import('../../src/store/schema.js');
      const insert = () =>
        fx.inTransaction('row', async (tx) => {
          const [r] = await tx
            .insert(requests)
            .values({ tracker: 'fx', trackerKey: scope, stream: 's', commits: [] })
            .returning({ id: requests.id });
          return r!.id;
        });
      const ids = await Promise.all([insert(), insert(), insert()]);
      assert.equal(new Set(ids).size, 1);
      const { listRequests } = await import('../../src/store/requests.js');
      assert.equal((await listRequests(store().db, { tracker: 'fx', trackerKey: scope })).length, 1);
    });

    test('a lock key is held by one job at a time', async () => {
      const key = `repo:${kind()}`;
      let release!: () => void;
      const holding = store().tryWithKeyLock(
        key,
        () => new Promise<string>((r) => (release = () => r('first'))),
      );
      await new Promise((r) => setTimeout(r, 50));
      // A second holder: another connection on PostgreSQL (as another worker process would be).
      const other =
        backend === 'postgres'
          ? await openStore({ ...(await otherConnection()), skipMigrations: true })
          : store();
      try {
        assert.deepEqual(await other.tryWithKeyLock(key, async () => 'second'), { acquired: false });
        assert.deepEqual(await other.tryWithKeyLock(`${key}-other-branch`, async () => 'x'), {
          acquired: true,
          value: 'x',
        });
        release();
        assert.deepEqual(await holding, { acquired: true, value: 'first' });
        assert.deepEqual(await other.tryWithKeyLock(key, async () => 'third'), {
          acquired: true,
          value: 'third',
        });
      } finally {
        if (other !== store()) await other.close();
      }
    });

    /** The same database as the shared store, through a pool of its own. */
    async function otherConnection() {
      const { rows } = (await store().db.execute(
        (
          await import('drizzle-orm')
        ).sql`SELECT current_database() AS db`,
      )) as unknown as {
        rows: { db: string }[];
      };
      const u = new URL(process.env.DATABASE_URL!);
      u.pathname = `/${rows[0]!.db}`;
      return { databaseUrl: u.toString() };
    }
  });
}

describe('the embedded store has one owner', () => {
  test('a second process gets one line naming the owner pid and exits non-zero; a stale lock is taken over', async () => {
    const { spawnTs } = await import('../helpers/children.js');
    const db = await testDatabase('pglite');
    const store = await openStore(db.open);
    try {
      const second = spawnTs('src/cli/main.ts', ['jobs', 'list', '--data', db.open.dataDir!], {
        DATABASE_URL: '',
      });
      const { code } = await second.exited;
      assert.equal(code, 3);
      const lines = second.stderr().trim().split('\n');
      assert.equal(lines.length, 1, second.stderr());
      assert.match(lines[0]!, new RegExp(`in use by ferry process ${process.pid}\\b`));
    } finally {
      await store.close();
    }
    // A lock left by a process that no longer exists.
    const { writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    writeFileSync(
      path.join(db.open.dataDir!, 'ferry.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, started: 'then' }),
    );
    const again = await openStore(db.open);
    const { readFileSync } = await import('node:fs');
    assert.equal(
      JSON.parse(readFileSync(path.join(db.open.dataDir!, 'ferry.lock'), 'utf8')).pid,
      process.pid,
    );
    await again.close();
  });
});
