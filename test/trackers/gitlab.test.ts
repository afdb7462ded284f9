import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { GitLabTracker } from '../../src/trackers/gitlab/index.js';
import { TrackerInputError } from '../../src/trackers/types.js';
import {
  VendorNotFoundError,
  VendorRejectedError,
  VendorUnavailableError,
} from '../../src/vendors/errors.js';
import { GitLabClient } from '../../src/vendors/gitlab/client.js';
import { GitLabFake } from '../fakes/gitlab.js';
import { recordingPolicy } from '../fakes/policy.js';

const PROJECT = 'rhel/kernel';
const TOKEN = 'glpat-test';

let fake: GitLabFake;
let policy: ReturnType<typeof recordingPolicy>;
let tracker: GitLabTracker;

beforeEach(async () => {
  fake = await new GitLabFake(TOKEN).start();
  fake.addProject(PROJECT);
  policy = recordingPolicy();
  tracker = new GitLabTracker(new GitLabClient({ url: fake.url, token: TOKEN, retry: policy }), {
    name: 'gl',
    project: PROJECT,
    form: { commit_hashes: 'Commit hashes', fix_version: 'Fix version' },
    command: '/backport',
  });
});

afterEach(async () => {
  await fake.close();
  assert.deepEqual(fake.violations, [], 'only documented endpoints and parameters were used');
});

const BODY = '### Commit hashes\n\n1234567abc\nnot-a-hash\n\n### Fix version\n\n9.6\n';

describe('GitLab issues', () => {
  test('read: description sections, milestone fallback, related MRs and link notes', async () => {
    const rec = fake.seedIssue(PROJECT, { title: 'CVE', description: BODY, labels: ['security'] });
    const plain = fake.seedIssue(PROJECT, { title: 'plain', milestone: '9.4' });
    const issue = await tracker.getIssue(`${PROJECT}#${rec.iid}`);
    assert.equal(issue.status, 'open');
    assert.deepEqual(issue.commitHashLines, ['1234567abc', 'not-a-hash']);
    assert.deepEqual(issue.fixVersions, ['9.6']);
    assert.deepEqual(issue.labels, ['security']);
    assert.deepEqual((await tracker.getIssue(`#${plain.iid}`)).fixVersions, ['9.4']);

    await tracker.linkMergeRequest(issue.key, {
      url: 'https://gitlab.example.com/rhel/kernel/-/merge_requests/9',
      title: 'bp',
    });
    await tracker.linkMergeRequest(issue.key, {
      url: 'https://gitlab.example.com/rhel/kernel/-/merge_requests/9',
      title: 'bp',
    });
    const project = fake.project(PROJECT);
    project.mrs.set(4, {
      iid: 4,
      title: 'Fix it',
      description: `Closes #${rec.iid}`,
      state: 'opened',
      source_branch: 'x',
      target_branch: 'main',
      source_project_id: project.id,
      labels: [],
      approvedBy: [],
      notes: [],
      created_at: '2025-01-01T00:00:00Z',
      updated_at: '2025-01-01T00:00:00Z',
    });
    const again = await tracker.getIssue(issue.key);
    assert.deepEqual(
      again.links.map((l) => [l.url, l.via]),
      [
        ['https://gitlab.example.com/rhel/kernel/-/merge_requests/9', 'comment'],
        ['https://gitlab.example.com/rhel/kernel/-/merge_requests/4', 'reference'],
      ],
    );
    assert.equal(rec.notes.length, 1);
    await assert.rejects(tracker.getIssue('other/project#1'), TrackerInputError);
    await assert.rejects(tracker.getIssue('#999'), VendorNotFoundError);
  });

  test('notes with markers are posted once, labels added once', async () => {
    const rec = fake.seedIssue(PROJECT, { title: 't', labels: ['a'] });
    const key = `#${rec.iid}`;
    for (let i = 0; i < 25; i++)
      rec.notes.push({
        id: 9000 + i,
        body: `chatter ${i}`,
        author: 'x',
        created_at: '2025-01-01T00:00:00Z',
        system: false,
      });
    const a = await tracker.addComment(key, 'Attempt failed.', 'attempt:1');
    const b = await tracker.addComment(key, 'Attempt failed.', 'attempt:1');
    assert.deepEqual([a.created, b.created], [true, false]);
    assert.equal(rec.notes.length, 26);
    assert.equal((await tracker.findComment(key, 'attempt:1'))?.id, a.comment.id);
    await tracker.addLabels(key, ['ferry-backport-failure']);
    await tracker.addLabels(key, ['ferry-backport-failure']);
    assert.deepEqual(rec.labels, ['a', 'ferry-backport-failure']);
  });

  test('create, update, close, and search with pagination', async () => {
    const created = await tracker.createIssue({
      title: 'CVE-2024-1 on 9.6',
      body: 'Intake.',
      labels: ['cve', 'CVE-2024-1'],
      fixVersions: ['9.6'],
      commitHashLines: ['abcdef123456'],
    });
    assert.deepEqual(created.commitHashLines, ['abcdef123456']);
    const updated = await tracker.updateIssue(created.key, {
      commitHashLines: ['abcdef123456', '0123456789ab'],
      removeLabels: ['CVE-2024-1'],
    });
    assert.deepEqual(updated.commitHashLines, ['abcdef123456', '0123456789ab']);
    assert.deepEqual(updated.fixVersions, ['9.6']);
    assert.deepEqual(updated.labels, ['cve']);
    for (let i = 0; i < 130; i++)
      fake.seedIssue(PROJECT, { title: `n${i}`, labels: ['cve'], milestone: i % 2 ? '9.6' : '9.4' });
    const all = await tracker.search({ labels: ['cve'] });
    assert.equal(all.length, 131);
    assert.ok(
      fake.count('GET', `/api/v4/projects/${encodeURIComponent(PROJECT)}/issues`) >= 2,
      'followed the Link header',
    );
    assert.equal((await tracker.search({ labels: ['cve'], fixVersion: '9.6' })).length, 66);
    assert.equal((await tracker.search({ labels: ['cve'], limit: 5 })).length, 5);
    await tracker.closeIssue(created.key, { body: 'Done.', marker: 'close' });
    await tracker.closeIssue(created.key, { body: 'Done.', marker: 'close' });
    const rec = fake.project(PROJECT).issues.get(Number(created.key.split('#')[1]))!;
    assert.equal(rec.state, 'closed');
    assert.equal(rec.notes.length, 1);
  });
});

describe('GitLab failures', () => {
  test('502 then success, and 429 with Retry-After honoured', async () => {
    const rec = fake.seedIssue(PROJECT, { title: 't' });
    fake.inject({
      method: 'GET',
      path: /\/issues\/\d+$/,
      status: 502,
      body: '<html>502 Bad Gateway</html>',
      headers: { 'content-type': 'text/html' },
    });
    fake.inject({
      method: 'GET',
      path: /\/issues\/\d+$/,
      status: 429,
      body: 'Retry later',
      headers: {
        'content-type': 'text/plain',
        'retry-after': '2',
        'ratelimit-remaining': '0',
        'ratelimit-reset': '1999999999',
      },
    });
    assert.equal((await tracker.getIssue(`#${rec.iid}`)).title, 't');
    assert.deepEqual(policy.slept, [1, 2000], 'backoff for the 502, Retry-After (not the reset) for the 429');
  });

  test('a 502 after GitLab created the issue: the retry finds it instead of filing a second', async () => {
    const input = { title: 'CVE-2024-1: fix [9.6]', body: 'b', labels: ['cve', 'CVE-2024-1'] };
    const issues = () => [...fake.project(PROJECT).issues.values()];
    // Same title and labels, filed long before by a person; and a newer one whose title only holds the text.
    const old = fake.seedIssue(PROJECT, { title: input.title, labels: input.labels });
    old.created_at = '2024-03-01T00:00:00.000Z';
    fake.seedIssue(PROJECT, { title: `${input.title} (copy)`, labels: input.labels });
    fake.inject({
      method: 'POST',
      path: /\/issues$/,
      status: 502,
      afterHandler: true,
      body: { message: '502 Bad Gateway' },
    });
    const made = await tracker.createIssue(input);
    assert.equal(made.key, `${PROJECT}#3`);
    assert.equal(
      issues().filter((i) => i.title === input.title).length,
      2,
      "the person's and one of Ferry's",
    );
    assert.equal(fake.count('POST', `/api/v4/projects/${encodeURIComponent(PROJECT)}/issues`), 1);
    assert.deepEqual(policy.slept, [1]);

    // A 502 (with no body) before GitLab did anything: nothing found, the create is sent again.
    fake.inject({ method: 'POST', path: /\/issues$/, status: 502 });
    const again = await tracker.createIssue({ ...input, title: 'CVE-2024-1: fix [9.4]' });
    assert.equal(again.key, `${PROJECT}#4`);
    assert.equal(issues().filter((i) => i.title === 'CVE-2024-1: fix [9.4]').length, 1);
    assert.equal(fake.count('POST', `/api/v4/projects/${encodeURIComponent(PROJECT)}/issues`), 3);
  });

  test('GitLab message on a permanent 4xx; unavailable after the attempts', async () => {
    const rec = fake.seedIssue(PROJECT, { title: 't' });
    fake.inject({
      method: 'PUT',
      status: 403,
      body: { message: '403 Forbidden - You are not allowed to edit this issue' },
    });
    await assert.rejects(tracker.addLabels(`#${rec.iid}`, ['x']), (e: unknown) => {
      assert.ok(e instanceof VendorRejectedError);
      assert.equal(e.vendorMessage, '403 Forbidden - You are not allowed to edit this issue');
      return true;
    });
    fake.inject({ method: 'GET', status: 500, times: 9, body: { message: '500 Internal Server Error' } });
    await assert.rejects(
      tracker.getIssue(`#${rec.iid}`),
      (e: unknown) => e instanceof VendorUnavailableError && e.attempts === 4,
    );
    const wrong = new GitLabTracker(new GitLabClient({ url: fake.url, token: 'nope', retry: policy }), {
      name: 'gl',
      project: PROJECT,
      form: { commit_hashes: 'Commit hashes', fix_version: 'Fix version' },
      command: '/backport',
    });
    await assert.rejects(
      wrong.getIssue(`#${rec.iid}`),
      (e: unknown) => e instanceof VendorRejectedError && e.vendorMessage === '401 Unauthorized',
    );
  });

  test('no answer at all is retried, then reported as unavailable', async () => {
    const dead = new GitLabTracker(
      new GitLabClient({ url: 'http://127.0.0.1:9', token: TOKEN, retry: policy }),
      {
        name: 'gl',
        project: PROJECT,
        form: { commit_hashes: 'Commit hashes', fix_version: 'Fix version' },
        command: '/backport',
      },
    );
    await assert.rejects(
      dead.getIssue('#1'),
      (e: unknown) => e instanceof VendorUnavailableError && e.status === null,
    );
    assert.equal(policy.slept.length, 3);
  });
});

describe('GitLab webhooks (payloads shaped as the Webhook events reference)', () => {
  const load = (f: string) => readFileSync(new URL(`../fixtures/gitlab/${f}`, import.meta.url), 'utf8');
  const h = (event: string) => ({
    'X-Gitlab-Event': event,
    'X-Gitlab-Event-UUID': '13792a34-cac6-4fda-95a8-c58e00a3954e',
  });

  test('an issue update that changes the hashes section', () => {
    const ev = tracker.parseEvent(h('Issue Hook'), load('issue-hook-update.json'));
    assert.deepEqual(ev, {
      tracker: 'gl',
      issueKey: 'rhel/kernel#23',
      action: 'updated',
      changed: ['commit_hashes'],
      commands: [],
      actor: 'root',
      deliveryId: '13792a34-cac6-4fda-95a8-c58e00a3954e',
    });
    const other = JSON.parse(load('issue-hook-update.json'));
    other.changes = { title: { previous: 'a', current: 'b' } };
    assert.equal(tracker.parseEvent(h('Issue Hook'), other), null);
    other.changes = { labels: { previous: [{ title: 'ferry-backport-failure' }], current: [] } };
    assert.deepEqual(tracker.parseEvent(h('Issue Hook'), other)?.changed, ['labels_removed']);
    other.object_attributes.action = 'open';
    assert.equal(tracker.parseEvent(h('Issue Hook'), other)?.action, 'created');
    other.project.path_with_namespace = 'someone/else';
    other.project.id = 99;
    assert.equal(tracker.parseEvent(h('Issue Hook'), other), null);
  });

  test('a note with /backport on an issue', () => {
    const ev = tracker.parseEvent(h('Note Hook'), load('note-hook-issue.json'));
    assert.deepEqual(ev?.commands, [{ hashes: ['1234567abcdef'], stream: '9.4', commentId: '1241' }]);
    assert.equal(ev?.action, 'commented');
    const mr = JSON.parse(load('note-hook-issue.json'));
    mr.object_attributes.noteable_type = 'MergeRequest';
    assert.equal(tracker.parseEvent(h('Note Hook'), mr), null);
    assert.equal(tracker.parseEvent(h('Push Hook'), load('note-hook-issue.json')), null);
  });
});
