import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/server/log.js';
import { startService } from '../../src/server/service.js';
import { builtinRequestStore } from '../../src/store/builtin-issues.js';
import type { Store } from '../../src/store/open.js';
import { type Job, listJobs } from '../../src/store/queue.js';
import '../../src/workflows/registered.js';
import { CVE_IMPORT_JOB } from '../../src/workflows/cve-import-job.js';
import { loadInboxCursor } from '../../src/workflows/cve-intake.js';
import { CONFIG, FIRST, importDir, rejection } from '../helpers/cve-import.js';
import { asDelivered, createInbox, PUBLIC_INBOX_SKIP } from '../helpers/public-inbox.js';
import { backends, testStore } from '../helpers/store.js';

/**
 * CVE intake run by the service on its schedule, as the seed's cve_assigner runs: each slot
 * reads the archive after the stored cursor and files requests on the built-in tracker, while
 * the service owns the store (the case `ferry cve import` cannot serve).
 */

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const importJobs = async (store: Store): Promise<Job[]> =>
  (await listJobs(store.db, { kind: CVE_IMPORT_JOB })).sort((a, b) => a.id - b.id);

for (const backend of backends()) {
  test(`[${backend}] a cve-import schedule files requests from the inbox, moves the cursor, and repeats nothing on the next slots`, {
    skip: PUBLIC_INBOX_SKIP,
  }, async (t) => {
    const inbox = createInbox();
    for (const id of FIRST) inbox.deliver(asDelivered(id));
    const dir = importDir();
    const config = parseConfig(
      `${CONFIG}  inbox: ${inbox.dir}\nschedules:\n  cve:\n    cron: "* * * * * *"\n    job: ${CVE_IMPORT_JOB}\n`,
      path.join(dir, 'ferry.yaml'),
    );
    const store = await testStore(backend);
    const service = await startService({
      config,
      store,
      env: process.env,
      log: createLogger({ level: 'silent' }),
      worker: true,
      workDir: path.join(dir, '.ferry'),
      configDir: dir, // MAINTAINERS is found beside ferry.yaml
      workerOptions: { pollMs: 50, tickEveryMs: 200 },
    });
    t.after(() => service.stop());

    const requests = () => builtinRequestStore(store.db).list({ limit: 100 });
    const done = (n: number) => async () => {
      const jobs = (await importJobs(store)).filter((j) => j.state === 'done');
      return jobs.length >= n ? jobs : undefined;
    };

    // The first slot: five requests (i2c-imx on two streams, i2c-ismt on three), the cursor stored.
    const [first] = await until('the first import', done(1));
    assert.deepEqual(first!.result, {
      inbox: inbox.dir,
      messages: 3,
      announcements: 3,
      created: 5,
      updated: 0,
      closed: 0,
      errors: [],
    });
    const filed = await requests();
    assert.equal(filed.length, 5);
    assert.ok(filed.every((r) => r.labels.some((l) => /^CVE-\d+-\d+$/.test(l))));
    assert.ok(
      filed.some((r) => /^- assignee: ola@example\.org$/m.test(r.body)),
      'MAINTAINERS read from the config folder',
    );
    const cursor = await loadInboxCursor(store.db, inbox.dir);
    assert.ok(Object.keys(cursor.epochs).length > 0, 'the cursor is stored');

    // The next slot: no new mail, nothing read, nothing written.
    const second = (await until('the second import', done(2)))[1]!;
    assert.equal((second.result as { messages: number }).messages, 0);
    assert.equal((await requests()).length, 5);

    // A REJECTED notice arrives: a later slot closes the i2c-ismt requests and opens nothing.
    inbox.deliver(
      asDelivered(
        'CVE-2022-50394',
        'published',
        rejection('CVE-2022-50394', 'i2c: ismt: Fix an out-of-bounds bug in ismt_access()'),
      ),
    );
    const closing = await until('the import of the notice', async () => {
      const jobs = (await importJobs(store)).filter(
        (j) => j.state === 'done' && (j.result as { messages: number }).messages > 0,
      );
      return jobs.length >= 2 ? jobs[1] : undefined;
    });
    assert.deepEqual(
      [(closing.result as { closed: number }).closed, (closing.result as { created: number }).created],
      [3, 0],
    );
    const after = await requests();
    assert.equal(after.length, 5);
    assert.equal(after.filter((r) => r.labels.includes('CVE-2022-50394') && r.status === 'Closed').length, 3);
  });
}
