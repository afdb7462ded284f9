import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { adfToText, textToAdf } from '../../src/trackers/jira/adf.js';
import { JiraTracker } from '../../src/trackers/jira/index.js';
import { TrackerInputError } from '../../src/trackers/types.js';
import {
  VendorNotFoundError,
  VendorRejectedError,
  VendorUnavailableError,
} from '../../src/vendors/errors.js';
import { JiraClient } from '../../src/vendors/jira/client.js';
import { JiraFake } from '../fakes/jira.js';
import { recordingPolicy } from '../fakes/policy.js';

const FIELD = 'customfield_12345';
let fake: JiraFake;
let policy: ReturnType<typeof recordingPolicy>;
let tracker: JiraTracker;

function trackerFor(format: 'adf' | 'plain' = 'adf', auth: 'good' | 'bad' = 'good') {
  return new JiraTracker(
    new JiraClient({
      url: fake.url,
      auth: { kind: 'basic', email: 'bot@example.com', token: auth === 'good' ? 'api-token' : 'wrong' },
      retry: policy,
    }),
    {
      name: 'rhel',
      project: 'RHEL',
      fields: { commit_hashes: FIELD, commit_hashes_format: format },
      issueType: 'Bug',
    },
  );
}

beforeEach(async () => {
  fake = await new JiraFake({
    project: 'RHEL',
    versions: ['rhel-9.6.z', 'rhel-9.4.z', 'rhel-10.0'],
    customFields: { [FIELD]: 'textarea', customfield_20000: 'text' },
    credentials: { basic: 'bot@example.com:api-token', bearer: 'pat-123' },
    commentPageCap: 10,
  }).start();
  policy = recordingPolicy();
  tracker = trackerFor();
});

afterEach(async () => {
  await fake.close();
  assert.deepEqual(fake.violations, []);
});

describe('Jira issues', () => {
  test('the commit-hashes field (ADF or plain), Fix Versions, status, labels, remote links', async () => {
    const rec = fake.seedIssue({
      summary: 'CVE-2024-26581',
      status: 'Planning',
      fixVersions: ['rhel-9.6.z'],
      labels: ['CVE-2024-26581'],
      fields: { [FIELD]: textToAdf('60c0c230c6f0\n\nnot a hash\nb4a3d3c1e2f0') },
    });
    const issue = await tracker.getIssue(rec.key.toLowerCase());
    assert.equal(issue.key, 'RHEL-1');
    assert.equal(issue.status, 'Planning');
    assert.deepEqual(issue.fixVersions, ['rhel-9.6.z']);
    assert.deepEqual(issue.commitHashLines, ['60c0c230c6f0', 'not a hash', 'b4a3d3c1e2f0']);
    assert.equal(issue.type, 'Bug');
    assert.equal(issue.severity, 'Major');
    assert.equal(issue.url, `${fake.url}/browse/RHEL-1`);
    const plain = fake.seedIssue({ summary: 'p', fields: { [FIELD]: '  abc1234 \r\ndef5678\n' } });
    assert.deepEqual((await tracker.getIssue(plain.key)).commitHashLines, ['abc1234', 'def5678']);

    await tracker.linkMergeRequest(rec.key, {
      url: 'https://gitlab.example.com/rhel/kernel/-/merge_requests/5',
      title: 'Draft: backport',
    });
    await tracker.linkMergeRequest(rec.key, {
      url: 'https://gitlab.example.com/rhel/kernel/-/merge_requests/5',
      title: 'Draft: backport',
    });
    assert.equal(rec.remoteLinks.length, 1, 'the global id makes the second link an update');
    assert.deepEqual((await tracker.getIssue(rec.key)).links, [
      {
        url: 'https://gitlab.example.com/rhel/kernel/-/merge_requests/5',
        title: 'Draft: backport',
        via: 'remote-link',
      },
    ]);
    await assert.rejects(tracker.getIssue('OTHER-1'), TrackerInputError);
    await assert.rejects(tracker.getIssue('RHEL-99'), (e: unknown) => {
      assert.ok(e instanceof VendorNotFoundError);
      assert.equal(e.vendorMessage, 'Issue does not exist or you do not have permission to see it.');
      return true;
    });
  });

  test('comments carry the marker in a property; more than a page of comments is read', async () => {
    const rec = fake.seedIssue({ summary: 't' });
    for (let i = 0; i < 23; i++)
      rec.comments.push({
        id: 500 + i,
        body: textToAdf(`note ${i}`),
        author: 'dev',
        created: '2025-01-01T00:00:00.000+0000',
        properties: [],
      });
    const a = await tracker.addComment(
      rec.key,
      'Backport failed.\n\nReproduce with:\n```\nferry pick abc --to rhel-9.6\n```',
      'attempt:rhel-9.6:1',
    );
    const b = await tracker.addComment(rec.key, 'Backport failed.', 'attempt:rhel-9.6:1');
    assert.deepEqual([a.created, b.created], [true, false]);
    assert.equal(rec.comments.length, 24);
    const stored = rec.comments.at(-1)!;
    assert.deepEqual(stored.properties, [{ key: 'ferry', value: { marker: 'attempt:rhel-9.6:1' } }]);
    assert.equal(stored.body.content[2].type, 'codeBlock');
    assert.doesNotMatch(JSON.stringify(stored.body), /attempt:rhel/, 'the marker is not in the visible body');
    assert.equal((await tracker.findComment(rec.key, 'attempt:rhel-9.6:1'))?.id, a.comment.id);
    assert.ok(fake.count('GET', `/rest/api/3/issue/${rec.key}/comment`) >= 3 * 3, 'pages of at most 10');
  });

  test('labels, create (ADF fields, versions), update, close through a Done transition', async () => {
    const created = await tracker.createIssue({
      title: 'CVE-2024-1 for rhel-9.6.z',
      body: 'Filed by the CVE intake: https://lore.kernel.org/linux-cve-announce/x',
      labels: ['CVE-2024-1'],
      fixVersions: ['rhel-9.6.z'],
      commitHashLines: ['60c0c230c6f046da536d3df8b39a20b9a9fd6af0'],
    });
    assert.deepEqual(created.commitHashLines, ['60c0c230c6f046da536d3df8b39a20b9a9fd6af0']);
    const rec = fake.issue(created.key);
    assert.equal(rec.fields[FIELD].type, 'doc');
    assert.equal(rec.description.content[0].content[1].marks[0].type, 'link');
    await tracker.addLabels(created.key, ['ferry-backport-success']);
    await tracker.addLabels(created.key, ['ferry-backport-success']);
    assert.deepEqual(rec.labels, ['CVE-2024-1', 'ferry-backport-success']);
    const updated = await tracker.updateIssue(created.key, {
      commitHashLines: ['60c0c230c6f0', 'b4a3d3c1e2f0'],
      fixVersions: ['rhel-9.6.z', 'rhel-9.4.z'],
      removeLabels: ['CVE-2024-1'],
    });
    assert.deepEqual(updated.commitHashLines, ['60c0c230c6f0', 'b4a3d3c1e2f0']);
    assert.deepEqual(updated.fixVersions, ['rhel-9.6.z', 'rhel-9.4.z']);
    assert.deepEqual(updated.labels, ['ferry-backport-success']);
    await assert.rejects(tracker.updateIssue(created.key, { fixVersions: ['rhel-7.9'] }), (e: unknown) => {
      assert.ok(e instanceof VendorRejectedError);
      assert.equal(e.status, 400);
      assert.equal(e.vendorMessage, "fixVersions: Version name 'rhel-7.9' is not valid");
      return true;
    });
    await tracker.closeIssue(created.key, { body: 'Not affected.', marker: 'cve:close' });
    await tracker.closeIssue(created.key, { body: 'Not affected.', marker: 'cve:close' });
    assert.equal(rec.status, 'Closed');
    assert.equal(rec.comments.length, 1);
  });

  test('a plain text field takes a string; sending a string to a textarea is refused by Jira', async () => {
    const created = await tracker.createIssue({ title: 't', body: 'b', commitHashLines: ['abc1234'] });
    const wrong = trackerFor('plain');
    await assert.rejects(wrong.updateIssue(created.key, { commitHashLines: ['abc1234'] }), (e: unknown) => {
      assert.ok(e instanceof VendorRejectedError);
      assert.match(e.vendorMessage, /customfield_12345: Operation value must be an Atlassian Document/);
      return true;
    });
  });

  test('search: JQL built from the query, enhanced search paged by nextPageToken', async () => {
    for (let i = 0; i < 130; i++)
      fake.seedIssue({
        summary: `s${i}`,
        labels: ['cve'],
        fixVersions: [i % 2 ? 'rhel-9.6.z' : 'rhel-9.4.z'],
        status: i % 10 === 0 ? 'Closed' : 'New',
      });
    fake.seedIssue({ summary: 'unlabeled', fixVersions: ['rhel-9.6.z'] });
    assert.equal(
      tracker.jqlFor({ labels: ['cve', 'a"b'], fixVersion: 'rhel-9.6.z' }),
      'project = "RHEL" AND labels = "cve" AND labels = "a\\"b" AND fixVersion = "rhel-9.6.z" AND statusCategory != Done ORDER BY key ASC',
    );
    const open = await tracker.search({ labels: ['cve'] });
    assert.equal(open.length, 117);
    assert.equal(fake.count('GET', '/rest/api/3/search/jql'), 2);
    assert.equal(
      (await tracker.search({ labels: ['cve'], fixVersion: 'rhel-9.6.z', openOnly: false })).length,
      65,
    );
    assert.equal(
      (await tracker.search({ labels: ['cve'], native: 'status in (New, Planning)', limit: 7 })).length,
      7,
    );
    await assert.rejects(tracker.search({ native: 'nonsense ~ x' }), VendorRejectedError);
    // Lucene's reserved characters in a text search must be escaped, or Jira refuses the query.
    await assert.rejects(tracker.search({ native: 'summary ~ "fix [9.6]"' }), VendorRejectedError);
    assert.equal((await tracker.search({ native: 'summary ~ "s12"', openOnly: false })).length, 1);
  });

  test('a 502 after Jira created the issue: the retry finds it instead of filing a second', async () => {
    const input = { title: 'CVE-2024-1: i2c: fix [rhel-9.6.z]', body: 'b', labels: ['CVE-2024-1'] };
    // Same summary and label, filed long before by a person; and a newer one the text search also matches.
    fake.seedIssue({ summary: input.title, labels: input.labels, created: '2024-03-01T00:00:00.000+0000' });
    fake.seedIssue({ summary: `${input.title} (copy)`, labels: input.labels });
    const same = () => [...fake.issues.values()].filter((i) => i.summary === input.title);
    fake.inject({ method: 'POST', path: '/rest/api/3/issue', status: 502, afterHandler: true });
    const made = await tracker.createIssue(input);
    assert.equal(made.key, 'RHEL-3');
    assert.equal(same().length, 2, "the person's and one of Ferry's");
    assert.equal(fake.count('POST', '/rest/api/3/issue'), 1, 'the create was not sent again');
    assert.deepEqual(policy.slept, [1]);
    const search = fake.requests.find((r) => r.path === '/rest/api/3/search/jql')!;
    assert.equal(
      search.query.get('jql'),
      'project = "RHEL" AND labels = "CVE-2024-1" AND (summary ~ "CVE 2024 1 i2c fix rhel 9 6 z") ORDER BY created DESC',
    );

    // A 502 before Jira did anything: nothing found, the create is sent again.
    fake.inject({
      method: 'POST',
      path: '/rest/api/3/issue',
      status: 502,
      body: { errorMessages: ['Bad gateway'], errors: {} },
    });
    const again = await tracker.createIssue({ ...input, title: 'CVE-2024-1: i2c: fix [rhel-9.4.z]' });
    assert.equal(again.key, 'RHEL-4');
    assert.equal([...fake.issues.values()].filter((i) => i.summary === again.title).length, 1);
    assert.equal(fake.count('POST', '/rest/api/3/issue'), 3);
  });
});

describe('Jira failures', () => {
  test('503 then success; 429 with Retry-After; errorMessages on a permanent 4xx; bad credentials', async () => {
    const rec = fake.seedIssue({ summary: 't' });
    fake.inject({
      method: 'GET',
      path: `/rest/api/3/issue/${rec.key}`,
      status: 503,
      body: { errorMessages: ['Service unavailable'], errors: {} },
    });
    fake.inject({
      method: 'GET',
      path: `/rest/api/3/issue/${rec.key}`,
      status: 429,
      headers: {
        'retry-after': '5',
        'x-ratelimit-reset': '2030-01-01T00:00Z',
        'ratelimit-reason': 'jira-burst-based',
      },
      body: { errorMessages: ['Rate limit exceeded.'], errors: {} },
    });
    assert.equal((await tracker.getIssue(rec.key)).title, 't');
    assert.deepEqual(policy.slept, [1, 5000]);

    fake.inject({
      method: 'PUT',
      status: 403,
      body: { errorMessages: ['You do not have permission to edit issues in this project.'], errors: {} },
    });
    await assert.rejects(tracker.addLabels(rec.key, ['x']), (e: unknown) => {
      assert.ok(e instanceof VendorRejectedError);
      assert.equal(e.vendorMessage, 'You do not have permission to edit issues in this project.');
      return true;
    });
    fake.inject({
      method: 'GET',
      status: 500,
      times: 20,
      body: { errorMessages: ['Internal server error'], errors: {} },
    });
    await assert.rejects(
      tracker.getIssue(rec.key),
      (e: unknown) => e instanceof VendorUnavailableError && e.attempts === 4,
    );
    await assert.rejects(trackerFor('adf', 'bad').getIssue(rec.key), (e: unknown) => {
      assert.ok(e instanceof VendorRejectedError);
      assert.equal(e.status, 401);
      assert.equal(e.vendorMessage, 'Client must be authenticated to access this resource.');
      return true;
    });
  });

  test('a bearer token (Data Center PAT) authenticates', async () => {
    const rec = fake.seedIssue({ summary: 'dc' });
    const dc = new JiraTracker(
      new JiraClient({ url: fake.url, auth: { kind: 'bearer', token: 'pat-123' }, retry: policy }),
      {
        name: 'rhel',
        project: 'RHEL',
        fields: { commit_hashes: FIELD, commit_hashes_format: 'adf' },
        issueType: 'Bug',
      },
    );
    assert.equal((await dc.getIssue(rec.key)).title, 'dc');
  });
});

describe('Jira webhooks (payloads shaped as the Webhooks reference)', () => {
  const load = (f: string) => readFileSync(new URL(`../fixtures/jira/${f}`, import.meta.url), 'utf8');
  const headers = { 'X-Atlassian-Webhook-Identifier': '1234-abcd' };

  test('an update of the commit-hashes field, and of unrelated fields', () => {
    assert.deepEqual(tracker.parseEvent(headers, load('issue-updated.json')), {
      tracker: 'rhel',
      issueKey: 'RHEL-1',
      action: 'updated',
      changed: ['commit_hashes'],
      commands: [],
      actor: '5b10a2844c20165700ede21g',
      deliveryId: '1234-abcd',
    });
    const p = JSON.parse(load('issue-updated.json'));
    p.changelog.items = [
      {
        field: 'labels',
        fieldtype: 'jira',
        fieldId: 'labels',
        from: null,
        fromString: 'CVE-2024-26581',
        to: null,
        toString: 'CVE-2024-26581 ferry-backport-success',
      },
      {
        field: 'summary',
        fieldtype: 'jira',
        fieldId: 'summary',
        from: null,
        fromString: 'a',
        to: null,
        toString: 'b',
      },
    ];
    assert.equal(tracker.parseEvent(headers, p), null, 'a label added (by Ferry) is not a trigger');
    p.changelog.items.push({
      field: 'Fix Version',
      fieldtype: 'jira',
      fieldId: 'fixVersions',
      from: null,
      fromString: null,
      to: '10100',
      toString: 'rhel-9.6.z',
    });
    p.changelog.items.push({
      field: 'labels',
      fieldtype: 'jira',
      fieldId: 'labels',
      from: null,
      fromString: 'x ferry-backport-failure',
      to: null,
      toString: 'x',
    });
    assert.deepEqual(tracker.parseEvent(headers, p)?.changed, ['fix_versions', 'labels_removed']);
    p.issue.key = 'OTHER-3';
    p.issue.fields.project.key = 'OTHER';
    assert.equal(tracker.parseEvent(headers, p), null);
  });

  test('a /backport comment', () => {
    const ev = tracker.parseEvent(headers, load('comment-created.json'));
    assert.equal(ev?.action, 'commented');
    assert.deepEqual(ev?.commands, [{ hashes: ['1234567abcdef'], stream: 'rhel-9.4.z', commentId: '10701' }]);
  });
});

test('ADF round trip keeps lines, paragraphs and code', () => {
  const text = 'first line\nsecond https://example.com/x.\n\n```\ncode here\n```\nlast';
  assert.equal(adfToText(textToAdf(text)), 'first line\nsecond https://example.com/x.\ncode here\nlast\n');
});
