import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  finishAttempt,
  getAttempt,
  getCursor,
  initCursor,
  listAttempts,
  listAudit,
  listLedger,
  listRequests,
  putCursor,
  recordAudit,
  recordStep,
  startAttempt,
  updateAttempt,
  upsertLedger,
  upsertRequest,
} from '../../src/store/index.js';
import { backends, sharedStore } from '../helpers/store.js';

for (const backend of backends()) {
  describe(`store repositories [${backend}]`, () => {
    const shared = sharedStore(backend);
    test('a request is made once per (tracker, issue, stream) and brought up to date after', async () => {
      const store = shared();
      const a = await upsertRequest(store.db, {
        tracker: 'jira',
        trackerKey: 'R-1',
        stream: '9.6',
        commits: ['abc123'],
      });
      assert.equal(a.created, true);
      const b = await upsertRequest(store.db, {
        tracker: 'jira',
        trackerKey: 'R-1',
        stream: '9.6',
        commits: ['abc123', 'def456'],
      });
      assert.equal(b.created, false);
      assert.equal(b.request.id, a.request.id);
      assert.deepEqual(b.request.commits, ['abc123', 'def456']);
      // detail is merged key by key: one workflow's keys survive another's upsert.
      await upsertRequest(store.db, {
        tracker: 'jira',
        trackerKey: 'R-1',
        stream: '9.6',
        commits: ['abc123'],
        detail: { cve: { id: 'CVE-2024-1' }, note: 'a' },
      });
      const c = await upsertRequest(store.db, {
        tracker: 'jira',
        trackerKey: 'R-1',
        stream: '9.6',
        commits: ['abc123'],
        detail: { note: 'b' },
      });
      assert.deepEqual(c.request.detail, { cve: { id: 'CVE-2024-1' }, note: 'b' });
      await upsertRequest(store.db, {
        tracker: 'jira',
        trackerKey: 'R-1',
        stream: '9.4',
        commits: ['abc123'],
      });
      assert.equal((await listRequests(store.db, { trackerKey: 'R-1' })).length, 2);
      assert.equal((await listRequests(store.db, { stream: '9.4' })).length, 1);
    });

    test('an attempt keeps every step, its per-commit results, its bot branch and MR, and how it ended', async () => {
      const store = shared();
      const { request } = await upsertRequest(store.db, {
        tracker: 'builtin',
        trackerKey: '7',
        stream: 's',
        commits: ['a'],
      });
      const attempt = await startAttempt(store.db, { requestId: request.id });
      assert.equal(attempt.state, 'running');
      await Promise.all([
        recordStep(store.db, attempt.id, { step: 'eligible', outcome: 'ok' }),
        recordStep(store.db, attempt.id, { step: 'resolve', outcome: 'ok', detail: { commits: 1 } }),
      ]);
      await updateAttempt(store.db, attempt.id, { botBranch: 'ferry/7-s' });
      const done = await finishAttempt(store.db, attempt.id, {
        state: 'opened',
        mrUrl: 'https://forge.example/mr/1',
        results: [{ commit: 'a', status: 'picked' }],
        reason: 'draft MR opened',
      });
      assert.equal(done.state, 'opened');
      const read = (await getAttempt(store.db, attempt.id))!;
      assert.deepEqual(read.steps.map((s) => s.step).sort(), ['eligible', 'resolve']);
      assert.equal(read.botBranch, 'ferry/7-s');
      assert.equal(read.mrUrl, 'https://forge.example/mr/1');
      assert.deepEqual(read.results, [{ commit: 'a', status: 'picked' }]);
      assert.ok(read.finishedAt instanceof Date);
      assert.equal((await listAttempts(store.db, { requestId: request.id, state: 'opened' })).length, 1);
    });

    test('the ledger holds one row per (change, branch), replaced by newer knowledge', async () => {
      const store = shared();
      await upsertLedger(store.db, {
        change: 'c1',
        branch: 'stable-1',
        state: 'in_review',
        via: 'mr',
        evidence: 'mr/1',
      });
      await upsertLedger(store.db, {
        change: 'c1',
        branch: 'stable-1',
        state: 'present',
        via: 'provenance',
        evidence: 'f00',
      });
      await upsertLedger(store.db, {
        change: 'c1',
        branch: 'stable-2',
        state: 'refused',
        via: 'policy',
        evidence: 'retired',
      });
      const rows = await listLedger(store.db, { change: 'c1' });
      assert.deepEqual(
        rows.map((r) => [r.branch, r.state, r.via, r.evidence]),
        [
          ['stable-1', 'present', 'provenance', 'f00'],
          ['stable-2', 'refused', 'policy', 'retired'],
        ],
      );
    });

    test('cursors and audit events', async () => {
      const store = shared();
      assert.equal(await getCursor(store.db, 'inbox'), undefined);
      await putCursor(store.db, 'inbox', { message: 'm1', n: 1 });
      await putCursor(store.db, 'inbox', { message: 'm2', n: 2 });
      assert.deepEqual(await getCursor(store.db, 'inbox'), { message: 'm2', n: 2 });
      assert.equal(await initCursor(store.db, 'since', 'first'), 'first');
      assert.equal(await initCursor(store.db, 'since', 'second'), 'first');
      await recordAudit(store.db, { actor: 'cli', action: 'pause' });
      const [e] = await listAudit(store.db);
      assert.equal(e?.action, 'pause');
      assert.equal(e?.actor, 'cli');
    });
  });
}
