import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { enqueue, getJob, openStore } from '../../src/store/index.js';
import { eventually, spawnTs } from '../helpers/children.js';
import { backends, testDatabase } from '../helpers/store.js';

for (const backend of backends()) {
  describe(`SIGTERM [${backend}]`, () => {
    test('a job that ends within the grace finishes; one that does not gives its lease back; exit 0', async () => {
      const db = await testDatabase(backend);
      const dir = mkdtempSync(path.join(tmpdir(), 'ferry-term-'));
      try {
        let store = await openStore(db.open);
        const short = (await enqueue(store.db, { kind: 'test.sleep', payload: { ms: 1500, dir } })).job;
        const long = (await enqueue(store.db, { kind: 'test.sleep', payload: { ms: 600_000, dir } })).job;
        if (backend === 'pglite') await store.close();
        const child = spawnTs('test/helpers/worker-child.ts', [], {
          ...db.env,
          FERRY_TEST_CONCURRENCY: '2',
          FERRY_TEST_GRACE_S: '4',
        });
        await child.waitFor(/^ready/);
        await eventually(
          async () =>
            existsSync(path.join(dir, `started-${short.id}`)) &&
            existsSync(path.join(dir, `started-${long.id}`))
              ? true
              : undefined,
          'both jobs to start',
        );
        child.proc.kill('SIGTERM');
        const { code } = await child.exited;
        assert.equal(code, 0, child.stderr());
        assert.match(child.stdout(), /^stopped/m);
        if (backend === 'pglite') store = await openStore(db.open);
        const s = (await getJob(store.db, short.id))!;
        const l = (await getJob(store.db, long.id))!;
        assert.deepEqual([s.state, s.attempts], ['done', 1]);
        assert.deepEqual([l.state, l.attempts, l.lockedBy, l.leaseUntil], ['queued', 0, null, null]);
        await store.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
