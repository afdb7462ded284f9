import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { claimJob, enqueue, failJob, openStore } from '../../src/store/index.js';
import { spawnTs } from '../helpers/children.js';
import { captureIO } from '../helpers/io.js';
import { testDatabase } from '../helpers/store.js';

function io(env: Record<string, string>) {
  const c = captureIO();
  c.env = { ...process.env, ...env };
  return c;
}

test('ferry worker without DATABASE_URL says so and exits 2', async () => {
  const c = io({ DATABASE_URL: '' });
  assert.equal(await runCli(['worker'], c), 2);
  assert.match(c.stderr(), /needs DATABASE_URL/);
});

describe('operator commands on the store', () => {
  test('jobs list/retry, pause, drain, resume directly on an embedded store', async () => {
    const db = await testDatabase('pglite');
    const store = await openStore(db.open);
    const { job } = await enqueue(store.db, { kind: 'cli.t', maxAttempts: 1 });
    await claimJob(store.db, { workerId: 'w', leaseMs: 60_000, kinds: ['cli.t'] });
    await failJob(store.db, job.id, 'w', 'gave up', { retryInMs: 0 });
    await store.close();
    const env = db.env;
    const data = ['--data', db.open.dataDir!];

    const list = io(env);
    assert.equal(await runCli(['jobs', 'list', '--state', 'dead', '--json', ...data], list), 0);
    assert.deepEqual(
      JSON.parse(list.stdout()).jobs.map((j: { id: number; lastError: string }) => [j.id, j.lastError]),
      [[job.id, 'gave up']],
    );
    const retry = io(env);
    assert.equal(await runCli(['jobs', 'retry', String(job.id), ...data], retry), 0);
    assert.equal(await runCli(['jobs', 'retry', String(job.id), ...data], io(env)), 1, 'not dead any more');
    assert.equal(await runCli(['jobs', 'retry', '99999', ...data], io(env)), 2);

    const pause = io(env);
    assert.equal(await runCli(['pause', '--json', ...data], pause), 0);
    assert.equal(JSON.parse(pause.stdout()).paused, true);
    // No worker runs here: the queued job never ends, so drain times out (exit 1).
    const drain = io(env);
    assert.equal(await runCli(['drain', '--timeout', '0', '--json', ...data], drain), 1);
    assert.deepEqual(JSON.parse(drain.stdout()).drained, false);
    const resume = io(env);
    assert.equal(await runCli(['resume', '--json', ...data], resume), 0);
    assert.equal(JSON.parse(resume.stdout()).paused, false);
  });

  test('against a running ferry serve: pause and drain go through its admin API (token from its lock file)', async () => {
    const db = await testDatabase('pglite');
    const serve = spawnTs(
      'src/cli/main.ts',
      ['serve', '--port', '0', '--json', '--data', db.open.dataDir!],
      db.env,
    );
    const ready = JSON.parse(await serve.waitFor(/^\{/));
    assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const env = db.env;
    const data = ['--data', db.open.dataDir!];
    const drain = io(env);
    assert.equal(
      await runCli(['drain', '--timeout', '30', '--poll-ms', '50', '--json', ...data], drain),
      0,
      drain.stderr(),
    );
    assert.equal(JSON.parse(drain.stdout()).drained, true);
    const status = (await (await fetch(`${ready.url}/readyz`)).json()) as { ready: boolean };
    assert.equal(status.ready, true);
    const resume = io(env);
    assert.equal(await runCli(['resume', '--json', ...data], resume), 0, resume.stderr());
    // The API refuses a wrong token: 2, with the status in the message.
    const wrong = io({ ...env, FERRY_ADMIN_TOKEN: 'wrong' });
    assert.equal(await runCli(['pause', '--url', ready.url], wrong), 2);
    assert.match(wrong.stderr(), /401/);
    serve.proc.kill('SIGTERM');
    assert.equal((await serve.exited).code, 0, serve.stderr());
  });
});
