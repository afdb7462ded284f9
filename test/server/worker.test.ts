import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ferryConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/server/log.js';
import { fireDueSchedules, latestSlot } from '../../src/server/scheduler.js';
import { startService } from '../../src/server/service.js';
import { Worker } from '../../src/server/worker.js';
import {
  enqueue,
  getJob,
  JobKinds,
  listJobs,
  listScheduleSlots,
  PermanentJobError,
  type Store,
} from '../../src/store/index.js';
import { EventRegistry } from '../../src/workflows/events.js';
import { pauseService, resumeService } from '../../src/workflows/service-control.js';
import { eventually } from '../helpers/children.js';
import { backends, sharedStore } from '../helpers/store.js';
import { githubExample, githubHeaders } from '../helpers/webhooks.js';

const silent = createLogger({ level: 'silent' });

function startWorker(store: Store, kinds: JobKinds, o: { concurrency?: number } = {}) {
  const w = new Worker({
    store,
    kinds,
    log: silent,
    pollMs: 20,
    leaseMs: 5_000,
    concurrency: o.concurrency ?? 1,
  });
  w.start();
  return w;
}

for (const backend of backends()) {
  describe(`worker and schedules [${backend}]`, () => {
    const store = sharedStore(backend);

    test('runs registered kinds; a failing job retries with backoff, then is dead', async () => {
      const kinds = new JobKinds();
      const seen: number[] = [];
      kinds.register<{ n: number }>('w.ok', async (ctx) => {
        seen.push(ctx.payload.n);
        return { doubled: ctx.payload.n * 2 };
      });
      let tries = 0;
      kinds.register(
        'w.flaky',
        async () => {
          tries++;
          throw new Error(`try ${tries} failed`);
        },
        { backoff: { baseMs: 10, maxMs: 20 } },
      );
      kinds.register('w.permanent', async () => {
        throw new PermanentJobError('422 from the forge: branch name invalid');
      });
      const ok = (await enqueue(store().db, { kind: 'w.ok', payload: { n: 21 } })).job;
      const flaky = (await enqueue(store().db, { kind: 'w.flaky', maxAttempts: 3 })).job;
      const perm = (await enqueue(store().db, { kind: 'w.permanent' })).job;
      const w = startWorker(store(), kinds);
      try {
        const state = async (id: number) => (await getJob(store().db, id))!;
        const done = await eventually(
          async () => ((await state(ok.id)).state === 'done' ? state(ok.id) : undefined),
          'w.ok done',
        );
        assert.deepEqual(done.result, { doubled: 42 });
        const dead = await eventually(
          async () => ((await state(flaky.id)).state === 'dead' ? state(flaky.id) : undefined),
          'w.flaky dead',
        );
        assert.deepEqual([dead.attempts, dead.lastError, tries], [3, 'try 3 failed', 3]);
        const p = await eventually(
          async () => ((await state(perm.id)).state === 'dead' ? state(perm.id) : undefined),
          'permanent dead',
        );
        assert.equal(p.attempts, 1);
      } finally {
        await w.stop(1000);
      }
    });

    test('two jobs with one lock key never run at once; other keys run alongside', async () => {
      const kinds = new JobKinds();
      let running = 0;
      let most = 0;
      const order: string[] = [];
      kinds.register<{ repo: string; branch: string; id: string }>(
        'w.push',
        async (ctx) => {
          running++;
          most = Math.max(most, running);
          order.push(`start ${ctx.payload.id}`);
          await new Promise((r) => setTimeout(r, 150));
          order.push(`end ${ctx.payload.id}`);
          running--;
        },
        { lockKey: (p) => `${p.repo}:${p.branch}` },
      );
      const ids = [];
      for (const id of ['a', 'b', 'c']) {
        ids.push(
          (await enqueue(store().db, { kind: 'w.push', payload: { repo: 'r', branch: 'ferry/X-1', id } })).job
            .id,
        );
      }
      const w = startWorker(store(), kinds, { concurrency: 3 });
      try {
        await eventually(
          async () =>
            (await listJobs(store().db, { kind: 'w.push', state: 'done' })).length === 3 ? true : undefined,
          'all pushes done',
        );
      } finally {
        await w.stop(1000);
      }
      assert.equal(most, 1, `ran together: ${order.join(', ')}`);
      for (const id of ids)
        assert.equal((await getJob(store().db, id))!.attempts, 1, 'a busy lock does not use up a try');
    });

    test('a handled webhook runs its event handlers in a delivery job, with the delivery id', async () => {
      const kinds = new JobKinds();
      const events = new EventRegistry();
      const got: { event: string; action: unknown; delivery: number }[] = [];
      events.on('github', 'issues', async (_ctx, e) => {
        got.push({ event: e.event, action: (e.body as { action: string }).action, delivery: e.delivery.id });
      });
      const config = ferryConfig.parse({ server: { webhooks: { github: { secret_env: 'GH' } } } });
      const service = await startService({
        config,
        store: store(),
        env: { GH: 's' },
        log: silent,
        http: { port: 0, host: '127.0.0.1' },
        kinds,
        events,
        workerOptions: { pollMs: 20 },
      });
      try {
        const body = JSON.stringify(githubExample('issues'));
        const res = await fetch(`${service.url}/webhooks/github`, {
          method: 'POST',
          body,
          headers: githubHeaders('issues', body, 's'),
        });
        const { delivery, job } = (await res.json()) as { delivery: number; job: number };
        await eventually(
          async () => ((await getJob(store().db, job))!.state === 'done' ? true : undefined),
          'delivery job done',
        );
        assert.deepEqual(got, [{ event: 'issues', action: 'edited', delivery }]);
      } finally {
        await service.stop();
      }
    });

    test('a schedule fires once per slot across workers; missed slots run once; none while paused', async () => {
      const name = `s${Date.now()}`;
      const schedules = {
        [name]: { cron: '*/5 * * * *', job: 'w.tick', payload: { x: 1 }, timezone: 'UTC' },
      };
      const t0 = new Date('2030-01-01T10:02:00Z');
      assert.deepEqual(
        await fireDueSchedules(store(), schedules, 'w1', t0),
        [],
        'slots before first sight do not run',
      );
      // An hour later: twelve slots were missed; only the latest runs, once, whoever asks.
      const t1 = new Date('2030-01-01T11:03:30Z');
      assert.deepEqual(latestSlot(schedules[name]!, t1), new Date('2030-01-01T11:00:00Z'));
      const fired = (
        await Promise.all(['w1', 'w2', 'w3', 'w4'].map((w) => fireDueSchedules(store(), schedules, w, t1)))
      ).flat();
      assert.equal(fired.length, 1);
      assert.deepEqual(fired[0]!.payload, { x: 1, schedule: name, slot: '2030-01-01T11:00:00.000Z' });
      assert.deepEqual(await fireDueSchedules(store(), schedules, 'w1', t1), []);
      await pauseService(store(), 'test');
      assert.deepEqual(
        await fireDueSchedules(store(), schedules, 'w1', new Date('2030-01-01T11:06:00Z')),
        [],
      );
      await resumeService(store(), 'test');
      const after = await fireDueSchedules(store(), schedules, 'w1', new Date('2030-01-01T11:21:00Z'));
      assert.deepEqual(
        after.map((j) => j.payload.slot),
        ['2030-01-01T11:20:00.000Z'],
      );
      const slots = await listScheduleSlots(store().db, name);
      assert.deepEqual(
        slots.map((s) => s.slot.toISOString()),
        ['2030-01-01T11:00:00.000Z', '2030-01-01T11:20:00.000Z'],
      );
    });
  });
}
