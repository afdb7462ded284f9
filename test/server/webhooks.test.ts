import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ferryConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/server/log.js';
import { type RunningService, startService } from '../../src/server/service.js';
import { findDeliveries, getJob, JobKinds, listJobs, type Store } from '../../src/store/index.js';
import { EventRegistry } from '../../src/workflows/events.js';
import { pauseService, resumeService } from '../../src/workflows/service-control.js';
import { backends, testStore } from '../helpers/store.js';
import { githubExample, githubHeaders } from '../helpers/webhooks.js';

const SECRETS = {
  GH_SECRET: 'gh-secret-0123',
  GL_TOKEN: 'gl-token-4567',
  JIRA_SECRET: 'jira-hmac-89',
  JIRA_TOKEN: 'jira-token-ab',
  GERRIT_TOKEN: 'gerrit-token-cd',
};

const config = ferryConfig.parse({
  server: {
    body_limit: '64kb',
    webhooks: {
      github: { secret_env: 'GH_SECRET' },
      gitlab: { token_env: 'GL_TOKEN' },
      jira: { secret_env: 'JIRA_SECRET', token_env: 'JIRA_TOKEN' },
      gerrit: { token_env: 'GERRIT_TOKEN' },
    },
  },
});

for (const backend of backends()) {
  describe(`webhooks [${backend}]`, () => {
    let store: Store;
    let service: RunningService;
    let url: string;
    before(async () => {
      store = await testStore(backend);
      // No worker: the jobs a delivery makes stay queued where the test can see them.
      service = await startService({
        config,
        store,
        env: { ...process.env, ...SECRETS },
        log: createLogger({ level: 'silent' }),
        http: { port: 0, host: '127.0.0.1' },
        worker: false,
        kinds: new JobKinds(),
        events: new EventRegistry(),
      });
      url = service.url!;
    });
    after(() => service.stop());

    const post = async (path: string, body: string | Uint8Array, headers: Record<string, string>) => {
      const res = await fetch(`${url}${path}`, { method: 'POST', body, headers });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    test('GitHub: a valid signed event is stored with its job before the 202', async () => {
      const body = JSON.stringify(githubExample('issues'));
      const h = githubHeaders('issues', body, SECRETS.GH_SECRET);
      const r = await post('/webhooks/github', body, h);
      assert.equal(r.status, 202);
      assert.equal(r.body.outcome, 'queued');
      const [d] = await findDeliveries(store.db, 'github', [h['x-github-delivery']!]);
      assert.ok(d, 'stored');
      assert.equal(d.id, r.body.delivery);
      assert.equal(d.body, body, 'the raw body, byte for byte');
      assert.equal(d.event, 'issues');
      assert.equal(d.outcome, 'queued');
      assert.equal(d.headers['x-github-event'], 'issues');
      assert.equal(d.headers['x-hub-signature-256'], undefined, 'the signature is not kept');
      const job = (await getJob(store.db, r.body.job as number))!;
      assert.equal(job.kind, 'delivery');
      assert.equal(job.deliveryId, d.id);
      assert.equal(job.state, 'queued');
    });

    test('GitHub: a forged or missing signature is 401 and nothing is stored', async () => {
      const body = JSON.stringify(githubExample('issues'));
      const forged = githubHeaders('issues', body, 'not-the-secret');
      assert.equal((await post('/webhooks/github', body, forged)).status, 401);
      const tampered = githubHeaders('issues', body, SECRETS.GH_SECRET);
      assert.equal((await post('/webhooks/github', `${body} `, tampered)).status, 401);
      const unsigned = githubHeaders('issues', body, SECRETS.GH_SECRET);
      delete unsigned['x-hub-signature-256'];
      assert.equal((await post('/webhooks/github', body, unsigned)).status, 401);
      const ids = [forged, tampered, unsigned].map((h) => h['x-github-delivery']!);
      assert.deepEqual(await findDeliveries(store.db, 'github', ids), []);
    });

    test('GitHub: a replayed delivery id is answered 200 without a second row or job', async () => {
      const body = JSON.stringify(githubExample('issue_comment'));
      const h = githubHeaders('issue_comment', body, SECRETS.GH_SECRET);
      const first = await post('/webhooks/github', body, h);
      assert.equal(first.status, 202);
      const jobsBefore = (await listJobs(store.db, { kind: 'delivery', limit: 1000 })).length;
      const again = await Promise.all([1, 2, 3].map(() => post('/webhooks/github', body, h)));
      assert.deepEqual(
        again.map((r) => [r.status, r.body.outcome]),
        [
          [200, 'duplicate'],
          [200, 'duplicate'],
          [200, 'duplicate'],
        ],
      );
      assert.equal((await findDeliveries(store.db, 'github', [h['x-github-delivery']!])).length, 1);
      assert.equal((await listJobs(store.db, { kind: 'delivery', limit: 1000 })).length, jobsBefore);
    });

    test('GitHub: concurrent copies of one new delivery make one row and one job', async () => {
      const body = JSON.stringify(githubExample('issues', 1));
      const h = githubHeaders('issues', body, SECRETS.GH_SECRET);
      const rs = await Promise.all([1, 2, 3, 4].map(() => post('/webhooks/github', body, h)));
      assert.deepEqual(rs.map((r) => r.status).sort(), [200, 200, 200, 202]);
      const rows = await findDeliveries(store.db, 'github', [h['x-github-delivery']!]);
      assert.equal(rows.length, 1);
      const jobs = (await listJobs(store.db, { kind: 'delivery', limit: 1000 })).filter(
        (j) => j.deliveryId === rows[0]!.id,
      );
      assert.equal(jobs.length, 1);
    });

    test('malformed JSON with a valid signature is 400 and not stored', async () => {
      const body = '{"action": "opened", ';
      const h = githubHeaders('issues', body, SECRETS.GH_SECRET);
      const r = await post('/webhooks/github', body, h);
      assert.equal(r.status, 400);
      assert.deepEqual(await findDeliveries(store.db, 'github', [h['x-github-delivery']!]), []);
    });

    test('a body over the limit is 413, whether it declares its length or streams it', async () => {
      const big = JSON.stringify({ padding: 'x'.repeat(70 * 1024) });
      const h = githubHeaders('issues', big, SECRETS.GH_SECRET);
      assert.equal((await post('/webhooks/github', big, h)).status, 413);
      // Chunked, no Content-Length: refused while reading.
      const chunks = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(8 * 1024).fill(0x20));
          c.close();
        },
      });
      const res = await fetch(`${url}/webhooks/github`, {
        method: 'POST',
        body: chunks,
        headers: h,
        duplex: 'half',
      } as RequestInit);
      assert.equal(res.status, 413);
      assert.deepEqual(await findDeliveries(store.db, 'github', [h['x-github-delivery']!]), []);
    });

    test('an event Ferry does not handle is 202, stored as ignored, with no job', async () => {
      const body = JSON.stringify(githubExample('star'));
      const h = githubHeaders('star', body, SECRETS.GH_SECRET);
      const r = await post('/webhooks/github', body, h);
      assert.equal(r.status, 202);
      assert.equal(r.body.outcome, 'ignored');
      assert.equal(r.body.job, null);
      const [d] = await findDeliveries(store.db, 'github', [h['x-github-delivery']!]);
      assert.equal(d?.outcome, 'ignored');
      assert.equal(d?.event, null);
    });

    test('a source that is not configured, or unknown, is 404', async () => {
      const bare = await startService({
        config: ferryConfig.parse({ server: { webhooks: { github: { secret_env: 'GH_SECRET' } } } }),
        store,
        env: { ...process.env, ...SECRETS },
        log: createLogger({ level: 'silent' }),
        http: { port: 0, host: '127.0.0.1' },
        worker: false,
        kinds: new JobKinds(),
        events: new EventRegistry(),
      });
      try {
        const r = await fetch(`${bare.url}/webhooks/gitlab`, {
          method: 'POST',
          body: '{}',
          headers: { 'x-gitlab-token': SECRETS.GL_TOKEN, 'x-gitlab-event': 'Issue Hook' },
        });
        assert.equal(r.status, 404);
        assert.equal(
          (await fetch(`${bare.url}/webhooks/bitbucket`, { method: 'POST', body: '{}' })).status,
          404,
        );
      } finally {
        await bare.stop();
      }
    });

    test('GitLab: X-Gitlab-Token, Idempotency-Key de-duplication, Issue Hook handled', async () => {
      const body = JSON.stringify({ object_kind: 'issue', object_attributes: { iid: 7, action: 'update' } });
      const key = randomUUID();
      const h = {
        'content-type': 'application/json',
        'x-gitlab-event': 'Issue Hook',
        'idempotency-key': key,
      };
      assert.equal((await post('/webhooks/gitlab', body, { ...h, 'x-gitlab-token': 'wrong' })).status, 401);
      assert.equal((await post('/webhooks/gitlab', body, h)).status, 401);
      const ok = await post('/webhooks/gitlab', body, { ...h, 'x-gitlab-token': SECRETS.GL_TOKEN });
      assert.deepEqual([ok.status, ok.body.outcome], [202, 'queued']);
      const again = await post('/webhooks/gitlab', body, { ...h, 'x-gitlab-token': SECRETS.GL_TOKEN });
      assert.deepEqual([again.status, again.body.outcome], [200, 'duplicate']);
      const push = await post('/webhooks/gitlab', '{"object_kind":"push"}', {
        'x-gitlab-event': 'Push Hook',
        'x-gitlab-event-uuid': randomUUID(),
        'x-gitlab-token': SECRETS.GL_TOKEN,
      });
      assert.deepEqual([push.status, push.body.outcome], [202, 'ignored']);
      assert.equal((await findDeliveries(store.db, 'gitlab', [key])).length, 1);
    });

    test('Jira: HMAC X-Hub-Signature or a shared token; issue updates handled', async () => {
      const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key: 'RHEL-1' } });
      const sig = `sha256=${createHmac('sha256', SECRETS.JIRA_SECRET).update(body).digest('hex')}`;
      const id = randomUUID();
      const signed = await post('/webhooks/jira', body, {
        'x-hub-signature': sig,
        'x-atlassian-webhook-identifier': id,
      });
      assert.deepEqual([signed.status, signed.body.outcome], [202, 'queued']);
      assert.equal(
        (
          await post('/webhooks/jira', body, {
            'x-hub-signature': 'sha256=00',
            'x-atlassian-webhook-identifier': randomUUID(),
          })
        ).status,
        401,
      );
      const byToken = await post(
        `/webhooks/jira?token=${SECRETS.JIRA_TOKEN}`,
        body.replace('RHEL-1', 'RHEL-2'),
        {},
      );
      assert.deepEqual([byToken.status, byToken.body.outcome], [202, 'queued']);
      assert.equal((await post('/webhooks/jira?token=nope', body, {})).status, 401);
      const deleted = await post('/webhooks/jira', JSON.stringify({ webhookEvent: 'jira:issue_deleted' }), {
        'x-ferry-token': SECRETS.JIRA_TOKEN,
      });
      assert.deepEqual([deleted.status, deleted.body.outcome], [202, 'ignored']);
      assert.equal((await findDeliveries(store.db, 'jira', [id])).length, 1);
    });

    test('Gerrit: shared token; change-merged handled; a byte-identical replay is a duplicate', async () => {
      const body = JSON.stringify({
        type: 'change-merged',
        change: { number: 42 },
        eventCreatedOn: 1700000000,
      });
      assert.equal((await post('/webhooks/gerrit', body, {})).status, 401);
      const first = await post(`/webhooks/gerrit?token=${SECRETS.GERRIT_TOKEN}`, body, {});
      assert.deepEqual([first.status, first.body.outcome], [202, 'queued']);
      const replay = await post('/webhooks/gerrit', body, { 'x-ferry-token': SECRETS.GERRIT_TOKEN });
      assert.deepEqual([replay.status, replay.body.outcome], [200, 'duplicate']);
      const other = await post('/webhooks/gerrit', JSON.stringify({ type: 'ref-updated' }), {
        'x-ferry-token': SECRETS.GERRIT_TOKEN,
      });
      assert.deepEqual([other.status, other.body.outcome], [202, 'ignored']);
    });

    test('paused: deliveries are still stored (held, no job); resume gives each its job', async () => {
      await pauseService(store, 'test');
      try {
        const body = JSON.stringify(githubExample('issues', 2));
        const h = githubHeaders('issues', body, SECRETS.GH_SECRET);
        const r = await post('/webhooks/github', body, h);
        assert.deepEqual([r.status, r.body.outcome, r.body.job], [202, 'held', null]);
        const [d] = await findDeliveries(store.db, 'github', [h['x-github-delivery']!]);
        assert.equal(d?.outcome, 'held');
        const before = (await listJobs(store.db, { kind: 'delivery', limit: 1000 })).filter(
          (j) => j.deliveryId === d!.id,
        );
        assert.equal(before.length, 0);
        const resumed = await resumeService(store, 'test');
        assert.equal(resumed.released, 1);
        const [after] = await findDeliveries(store.db, 'github', [h['x-github-delivery']!]);
        assert.equal(after?.outcome, 'queued');
        const jobs = (await listJobs(store.db, { kind: 'delivery', limit: 1000 })).filter(
          (j) => j.deliveryId === d!.id,
        );
        assert.equal(jobs.length, 1);
      } finally {
        await resumeService(store, 'test');
      }
    });

    test('every valid delivery of a burst is stored', async () => {
      const sent = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const body = JSON.stringify({ ...githubExample('issues'), n: i });
          const h = githubHeaders('issues', body, SECRETS.GH_SECRET);
          const r = await post('/webhooks/github', body, h);
          assert.equal(r.status, 202);
          return h['x-github-delivery']!;
        }),
      );
      assert.equal((await findDeliveries(store.db, 'github', sent)).length, 100);
    });
  });
}
