import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BuiltinTracker } from '../../src/trackers/builtin/index.js';
import { TrackerInputError } from '../../src/trackers/types.js';
import { MemoryRequestStore } from '../fakes/builtin-store.js';

function setup() {
  const store = new MemoryRequestStore();
  return { store, tracker: new BuiltinTracker(store, { name: 'ferry', keyPrefix: 'REQ' }) };
}

test('requests are issues: create, read, label, comment once, link once, close', async () => {
  const { store, tracker } = setup();
  const r = await tracker.createIssue({
    title: 'Backport the scheduler fix',
    body: 'Asked on the list.',
    fixVersions: ['2025.1'],
    commitHashLines: ['1234567abc', 'see bug 42'],
  });
  assert.equal(r.key, 'REQ-1');
  assert.equal(r.status, 'New');
  assert.deepEqual(r.commitHashLines, ['1234567abc', 'see bug 42']);
  await tracker.addLabels('req-1', ['ferry-backport-success']);
  await tracker.addLabels('REQ-1', ['ferry-backport-success']);
  const a = await tracker.addComment('REQ-1', 'Draft MR opened.', 'attempt:2025.1:1');
  const b = await tracker.addComment('REQ-1', 'Draft MR opened.', 'attempt:2025.1:1');
  assert.deepEqual([a.created, b.created], [true, false]);
  assert.equal(store.commentsByKey.get('REQ-1')!.length, 1);
  assert.equal((await tracker.findComment('REQ-1', 'attempt:2025.1:1'))?.id, a.comment.id);
  await tracker.linkMergeRequest('REQ-1', {
    url: 'git:/srv/downstream.git#ferry/REQ-1-2025.1',
    title: 'Backport',
  });
  await tracker.linkMergeRequest('REQ-1', {
    url: 'git:/srv/downstream.git#ferry/REQ-1-2025.1',
    title: 'Backport',
  });
  const read = await tracker.getIssue('REQ-1');
  assert.deepEqual(read.labels, ['ferry-backport-success']);
  assert.deepEqual(
    read.links.map((l) => l.url),
    ['git:/srv/downstream.git#ferry/REQ-1-2025.1'],
  );
  await tracker.updateIssue('REQ-1', {
    commitHashLines: ['1234567abc'],
    removeLabels: ['ferry-backport-success'],
  });
  assert.deepEqual((await tracker.getIssue('REQ-1')).labels, []);
  await tracker.closeIssue('REQ-1', { body: 'Done.', marker: 'close' });
  assert.equal((await tracker.getIssue('REQ-1')).status, 'Closed');
  assert.deepEqual(await tracker.search({}), []);
  assert.equal((await tracker.search({ openOnly: false, fixVersion: '2025.1' })).length, 1);
});

test('bad keys and unknown requests are input errors', async () => {
  const { tracker } = setup();
  await assert.rejects(tracker.getIssue('RHEL-1'), TrackerInputError);
  await assert.rejects(tracker.getIssue('REQ-9'), /request REQ-9 does not exist/);
  await assert.rejects(tracker.addComment('REQ-9', 'x', 'bad marker'), TrackerInputError);
});

test("Ferry's own request events", async () => {
  const { tracker } = setup();
  assert.deepEqual(tracker.parseEvent({}, { type: 'request.created', key: 'REQ-3', actor: 'cli' }), {
    tracker: 'ferry',
    issueKey: 'REQ-3',
    action: 'created',
    changed: [],
    commands: [],
    actor: 'cli',
    deliveryId: null,
  });
  assert.deepEqual(
    tracker.parseEvent({}, '{"type":"request.updated","key":"REQ-3","changed":["commit_hashes","title"]}')
      ?.changed,
    ['commit_hashes'],
  );
  assert.equal(tracker.parseEvent({}, { type: 'request.updated', key: 'REQ-3', changed: ['title'] }), null);
  assert.deepEqual(
    tracker.parseEvent(
      {},
      { type: 'request.commented', key: 'REQ-3', comment: { id: 7, body: '/backport abc1234 to 2024.2' } },
    )?.commands,
    [{ hashes: ['abc1234'], stream: '2024.2', commentId: '7' }],
  );
  assert.equal(tracker.parseEvent({}, { type: 'request.created', key: 'OTHER-1' }), null);
});
