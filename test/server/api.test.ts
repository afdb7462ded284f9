import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ferryConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/server/log.js';
import { type RunningService, startService } from '../../src/server/service.js';
import {
  claimJob,
  enqueue,
  failJob,
  JobKinds,
  type Store,
  startAttempt,
  upsertLedger,
  upsertRequest,
} from '../../src/store/index.js';
import { EventRegistry } from '../../src/workflows/events.js';
import { backends, testStore } from '../helpers/store.js';
import { githubExample, githubHeaders } from '../helpers/webhooks.js';

const env = { ...process.env, READ_TOKEN: 'reader-token', ADMIN_TOKEN: 'admin-token', GH: 'gh' };
const config = ferryConfig.parse({
  server: {
    read_token_env: 'READ_TOKEN',
    admin_token_env: 'ADMIN_TOKEN',
    webhooks: { github: { secret_env: 'GH' } },
  },
});

for (const backend of backends()) {
  describe(`API, metrics and health [${backend}]`, () => {
    let store: Store;
    let service: RunningService;
    before(async () => {
      store = await testStore(backend);
      service = await startService({
        config,
        store,
        env,
        log: createLogger({ level: 'silent' }),
        http: { port: 0, host: '127.0.0.1' },
        worker: false,
        kinds: new JobKinds(),
        events: new EventRegistry(),
      });
    });
    after(() => service.stop());

    const call = async (method: string, path: string, token?: string) => {
      const res = await fetch(`${service.url}${path}`, {
        method,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, checked field by field
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };

    test('bearer tokens: none or wrong is 401; the read token on an admin call is 403', async () => {
      assert.equal((await call('GET', '/api/jobs')).status, 401);
      assert.equal((await call('GET', '/api/jobs', 'wrong')).status, 401);
      assert.equal((await call('GET', '/api/jobs', 'reader-token')).status, 200);
      assert.equal((await call('GET', '/api/jobs', 'admin-token')).status, 200, 'admin may read');
      assert.equal((await call('POST', '/api/pause')).status, 401);
      assert.equal((await call('POST', '/api/pause', 'wrong')).status, 401);
      assert.equal((await call('POST', '/api/pause', 'reader-token')).status, 403);
      const paused = await call('POST', '/api/pause', 'admin-token');
      assert.deepEqual([paused.status, paused.body.paused], [200, true]);
      const resumed = await call('POST', '/api/resume', 'admin-token');
      assert.deepEqual([resumed.status, resumed.body.paused, resumed.body.released], [200, false, 0]);
    });

    test('requests, attempts and the ledger are listed and filtered', async () => {
      const { request } = await upsertRequest(store.db, {
        tracker: 'builtin',
        trackerKey: 'API-1',
        stream: '9.6',
        commits: ['a1'],
      });
      const attempt = await startAttempt(store.db, { requestId: request.id, botBranch: 'ferry/API-1-9.6' });
      await upsertLedger(store.db, {
        change: 'a1',
        branch: 'rhel-9.6',
        state: 'in_review',
        via: 'mr',
        attemptId: attempt.id,
      });
      const rs = await call('GET', '/api/requests?key=API-1', 'reader-token');
      assert.deepEqual(
        rs.body.requests.map((r: { trackerKey: string }) => r.trackerKey),
        ['API-1'],
      );
      const one = await call('GET', `/api/requests/${request.id}`, 'reader-token');
      assert.equal(one.body.attempts[0].id, attempt.id);
      const as = await call('GET', `/api/attempts?request=${request.id}&state=running`, 'reader-token');
      assert.equal(as.body.attempts[0].botBranch, 'ferry/API-1-9.6');
      assert.equal(
        (await call('GET', `/api/attempts/${attempt.id}`, 'reader-token')).body.attempt.id,
        attempt.id,
      );
      const ledger = await call('GET', '/api/ledger?change=a1', 'reader-token');
      assert.deepEqual(
        ledger.body.entries.map((e: { branch: string; state: string }) => [e.branch, e.state]),
        [['rhel-9.6', 'in_review']],
      );
      assert.equal((await call('GET', '/api/attempts?state=bogus', 'reader-token')).status, 400);
      assert.equal((await call('GET', '/api/requests/99999999', 'reader-token')).status, 404);
    });

    test('a dead job is listed and retried through the API; others are 409/404', async () => {
      const { job } = await enqueue(store.db, { kind: 'api.test', maxAttempts: 1 });
      await claimJob(store.db, { workerId: 'w', leaseMs: 60_000, kinds: ['api.test'] });
      await failJob(store.db, job.id, 'w', 'exhausted', { retryInMs: 0 });
      const dead = await call('GET', '/api/jobs?state=dead&kind=api.test', 'reader-token');
      assert.deepEqual(
        dead.body.jobs.map((j: { id: number }) => j.id),
        [job.id],
      );
      assert.equal((await call('POST', `/api/jobs/${job.id}/retry`, 'reader-token')).status, 403);
      const retried = await call('POST', `/api/jobs/${job.id}/retry`, 'admin-token');
      assert.deepEqual([retried.status, retried.body.job.state], [200, 'queued']);
      assert.equal((await call('POST', `/api/jobs/${job.id}/retry`, 'admin-token')).status, 409);
      assert.equal((await call('POST', '/api/jobs/99999999/retry', 'admin-token')).status, 404);
    });

    test('/metrics: deliveries by source and outcome, jobs by state, attempts, durations', async () => {
      const body = JSON.stringify(githubExample('issues'));
      await fetch(`${service.url}/webhooks/github`, {
        method: 'POST',
        body,
        headers: githubHeaders('issues', body, 'gh'),
      });
      await fetch(`${service.url}/webhooks/github`, {
        method: 'POST',
        body,
        headers: githubHeaders('issues', body, 'bad'),
      });
      const text = await (await fetch(`${service.url}/metrics`)).text();
      assert.match(text, /ferry_webhook_deliveries_total\{source="github",outcome="queued"\} 1/);
      assert.match(text, /ferry_webhook_deliveries_total\{source="github",outcome="unauthorized"\} 1/);
      assert.match(text, /ferry_jobs\{state="queued"\} \d+/);
      assert.match(text, /ferry_attempts\{state="running"\} \d+/);
      assert.match(text, /ferry_webhook_ack_seconds_count\{source="github"\} 1/);
      assert.match(text, /ferry_job_duration_seconds/);
      assert.match(text, /ferry_paused 0/);
    });

    test('/healthz and /readyz', async () => {
      assert.deepEqual((await call('GET', '/healthz')).body, { ok: true });
      const ready = await call('GET', '/readyz');
      assert.deepEqual([ready.status, ready.body.ready], [200, true]);
    });
  });
}
