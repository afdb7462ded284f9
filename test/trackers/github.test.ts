import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { GitHubTracker } from '../../src/trackers/github/index.js';
import { TrackerInputError } from '../../src/trackers/types.js';
import {
  VendorNotFoundError,
  VendorRejectedError,
  VendorUnavailableError,
} from '../../src/vendors/errors.js';
import { GitHubClient } from '../../src/vendors/github/client.js';
import { GitHubFake } from '../fakes/github/server.js';
import { problemsAddedByEdit, webhookExample } from '../fakes/github/webhooks.js';
import { recordingPolicy } from '../fakes/policy.js';

const REPO = 'Codertocat/Hello-World';
const TOKEN = 'ghp_testtoken';
const FORM = { commit_hashes: 'Commit hashes', fix_version: 'Fix version' };

let fake: GitHubFake;
let policy: ReturnType<typeof recordingPolicy>;
let tracker: GitHubTracker;

beforeEach(async () => {
  fake = await new GitHubFake({ token: TOKEN }).start();
  fake.addRepo(REPO);
  policy = recordingPolicy();
  const client = new GitHubClient({
    apiUrl: fake.url,
    repo: REPO,
    auth: { kind: 'token', token: TOKEN },
    retry: policy,
  });
  tracker = new GitHubTracker(client, { name: 'gh', repo: REPO, form: FORM, command: '/backport' });
});

afterEach(async () => {
  await fake.close();
  assert.deepEqual(fake.violations, [], 'every request and answer matched api.github.com');
});

const FORM_BODY = [
  '### Commit hashes',
  '',
  '1234567abc',
  'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef',
  'see the mailing list',
  '',
  '### Fix version',
  '',
  '9.6',
  '',
  '### Anything else?',
  '',
  '_No response_',
].join('\n');

describe('reading issues', () => {
  test('the issue form sections give the hash lines (unfiltered) and the Fix Version', async () => {
    const rec = fake.seedIssue(REPO, {
      title: 'CVE-2024-1',
      body: FORM_BODY,
      labels: ['bug'],
      milestone: '9.4',
    });
    const issue = await tracker.getIssue(`${REPO}#${rec.number}`);
    assert.equal(issue.key, `${REPO}#${rec.number}`);
    assert.equal(issue.status, 'open');
    assert.deepEqual(issue.commitHashLines, [
      '1234567abc',
      'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef',
      'see the mailing list',
    ]);
    assert.deepEqual(issue.fixVersions, ['9.6'], 'the form beats the milestone');
    assert.deepEqual(issue.labels, ['bug']);
    assert.deepEqual(issue.links, []);
  });

  test('without a form section the milestone is the Fix Version and there are no hash lines', async () => {
    const rec = fake.seedIssue(REPO, { title: 't', body: 'free text', milestone: '9.4' });
    const issue = await tracker.getIssue(`#${rec.number}`);
    assert.deepEqual(issue.fixVersions, ['9.4']);
    assert.deepEqual(issue.commitHashLines, []);
  });

  test('keys of another repository and pull requests are refused', async () => {
    await assert.rejects(tracker.getIssue('other/repo#1'), TrackerInputError);
    await assert.rejects(tracker.getIssue('RHEL-1'), TrackerInputError);
    await assert.rejects(tracker.getIssue('#404'), VendorNotFoundError);
  });

  test('linked PRs: Ferry link comments and PRs that mention the issue', async () => {
    const rec = fake.seedIssue(REPO, { title: 't', body: FORM_BODY });
    const key = `${REPO}#${rec.number}`;
    await tracker.linkMergeRequest(key, {
      url: 'https://gitlab.example/x/-/merge_requests/3',
      title: 'Backport',
    });
    await tracker.linkMergeRequest(key, {
      url: 'https://gitlab.example/x/-/merge_requests/3',
      title: 'Backport',
    });
    const pr = fake.seedIssue(REPO, { title: 'fix', body: `Fixes #${rec.number}` });
    pr.pull = { headRef: 'fix', headRepo: REPO, base: 'main', draft: false, merged: false, reviews: [] };
    fake
      .issue(REPO, rec.number)
      .crossRefs.push({ fromRepo: REPO, number: pr.number, at: '2025-01-01T00:00:00Z' });
    const issue = await tracker.getIssue(key);
    assert.deepEqual(
      issue.links.map((l) => [l.url, l.via]),
      [
        ['https://gitlab.example/x/-/merge_requests/3', 'comment'],
        [`https://github.com/${REPO}/pull/${pr.number}`, 'reference'],
      ],
    );
    assert.equal(fake.issue(REPO, rec.number).comments.length, 1, 'linking twice comments once');
  });
});

describe('writing', () => {
  test('a marked comment is posted once; findComment finds it; the marker is hidden in HTML', async () => {
    const rec = fake.seedIssue(REPO, { title: 't' });
    const key = `${REPO}#${rec.number}`;
    const first = await tracker.addComment(key, 'Backport opened.', 'attempt:9.6:1');
    const second = await tracker.addComment(key, 'Backport opened (again).', 'attempt:9.6:1');
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.comment.id, first.comment.id);
    assert.equal(fake.issue(REPO, rec.number).comments.length, 1);
    assert.match(fake.issue(REPO, rec.number).comments[0]!.body, /<!-- ferry:marker=attempt:9\.6:1 -->/);
    assert.equal((await tracker.findComment(key, 'attempt:9.6:1'))?.id, first.comment.id);
    assert.equal(await tracker.findComment(key, 'attempt:9.6:2'), null);
    await assert.rejects(tracker.addComment(key, 'x', 'bad marker -->'), TrackerInputError);
  });

  test('labels are added, not replaced, and adding twice changes nothing', async () => {
    const rec = fake.seedIssue(REPO, { title: 't', labels: ['kernel'] });
    const key = `${REPO}#${rec.number}`;
    await tracker.addLabels(key, ['ferry-backport-success']);
    await tracker.addLabels(key, ['ferry-backport-success']);
    assert.deepEqual(fake.issue(REPO, rec.number).labels, ['kernel', 'ferry-backport-success']);
  });

  test('create, update and close an issue (the CVE intake)', async () => {
    const created = await tracker.createIssue({
      title: 'CVE-2024-26581 on 9.6',
      body: 'Filed by the CVE intake.',
      labels: ['CVE-2024-26581'],
      fixVersions: ['9.6'],
      commitHashLines: ['60c0c230c6f046da536d3df8b39a20b9a9fd6af0'],
    });
    assert.deepEqual(created.fixVersions, ['9.6']);
    assert.deepEqual(created.commitHashLines, ['60c0c230c6f046da536d3df8b39a20b9a9fd6af0']);
    const updated = await tracker.updateIssue(created.key, {
      commitHashLines: ['60c0c230c6f0', 'b4a3d3c1e2f0'],
      addLabels: ['security'],
      removeLabels: ['CVE-2024-26581', 'not-there'],
    });
    assert.deepEqual(updated.commitHashLines, ['60c0c230c6f0', 'b4a3d3c1e2f0']);
    assert.deepEqual(updated.fixVersions, ['9.6'], 'other sections kept');
    assert.match(fake.issue(REPO, Number(created.key.split('#')[1])).body!, /^Filed by the CVE intake\./);
    assert.deepEqual(updated.labels, ['security']);
    await tracker.closeIssue(created.key, { body: 'Not affected.', marker: 'cve:close' });
    await tracker.closeIssue(created.key, { body: 'Not affected.', marker: 'cve:close' });
    const rec = fake.issue(REPO, Number(created.key.split('#')[1]));
    assert.equal(rec.state, 'closed');
    assert.equal(rec.comments.length, 1);
  });

  test('search by labels follows pagination and leaves pull requests and other Fix Versions out', async () => {
    for (let i = 0; i < 105; i++)
      fake.seedIssue(REPO, {
        title: `i${i}`,
        labels: ['cve'],
        body: `### Fix version\n\n${i % 2 ? '9.6' : '9.4'}`,
      });
    fake.seedIssue(REPO, { title: 'unlabeled' });
    const pr = fake.seedIssue(REPO, { title: 'pr', labels: ['cve'] });
    pr.pull = { headRef: 'x', headRepo: REPO, base: 'main', draft: false, merged: false, reviews: [] };
    const all = await tracker.search({ labels: ['cve'] });
    assert.equal(all.length, 105);
    assert.ok(fake.count('GET', `/repos/${REPO}/issues`) >= 2, 'more than one page was read');
    const on96 = await tracker.search({ labels: ['cve'], fixVersion: '9.6' });
    assert.equal(on96.length, 52);
    assert.equal((await tracker.search({ labels: ['cve'], limit: 3 })).length, 3);
  });
});

describe('vendor failures', () => {
  test('5xx then success is retried with backoff', async () => {
    const rec = fake.seedIssue(REPO, { title: 't' });
    fake.inject({
      method: 'GET',
      path: /\/issues\/\d+$/,
      status: 502,
      times: 2,
      body: { message: 'Server Error' },
    });
    const issue = await tracker.getIssue(`#${rec.number}`);
    assert.equal(issue.title, 't');
    assert.deepEqual(policy.slept, [1, 2], 'exponential: 1 ms then 2 ms');
  });

  test('429 with Retry-After is honoured, and a secondary-rate-limit 403 too', async () => {
    const rec = fake.seedIssue(REPO, { title: 't' });
    fake.inject({
      method: 'GET',
      path: /\/issues\/\d+$/,
      status: 429,
      headers: { 'retry-after': '3' },
      body: { message: 'API rate limit exceeded', documentation_url: 'https://docs.github.com/rest' },
    });
    fake.inject({
      method: 'GET',
      path: /\/issues\/\d+$/,
      status: 403,
      headers: { 'retry-after': '7' },
      body: {
        message: 'You have exceeded a secondary rate limit.',
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    await tracker.getIssue(`#${rec.number}`);
    assert.deepEqual(policy.slept, [3000, 7000]);
  });

  test('a Retry-After longer than the policy waits is handed back, not slept', async () => {
    const rec = fake.seedIssue(REPO, { title: 't' });
    fake.inject({
      method: 'GET',
      path: /\/issues\/\d+$/,
      status: 429,
      headers: { 'retry-after': '3600' },
      body: { message: 'slow down' },
    });
    await assert.rejects(tracker.getIssue(`#${rec.number}`), (e: unknown) => {
      assert.ok(e instanceof VendorUnavailableError);
      assert.equal(e.retryAfterMs, 3_600_000);
      return true;
    });
    assert.deepEqual(policy.slept, []);
  });

  test('a 502 after GitHub created the issue: the retry finds it instead of filing a second', async () => {
    const input = { title: 'CVE-2024-26581 on 9.6', body: 'b', labels: ['CVE-2024-26581'] };
    // A person's issue with the same title and label, filed long before: not the one Ferry made.
    const old = fake.seedIssue(REPO, { title: input.title, labels: input.labels });
    old.created_at = '2024-03-01T00:00:00Z';
    fake.inject({
      method: 'POST',
      path: `/repos/${REPO}/issues`,
      status: 502,
      afterHandler: true,
      body: { message: 'Server Error' },
    });
    const made = await tracker.createIssue(input);
    const same = () =>
      [...fake.repos.get(REPO.toLowerCase())!.issues.values()].filter((i) => i.title === input.title);
    assert.equal(same().length, 2, "the person's and exactly one of Ferry's");
    assert.equal(made.key, `${REPO}#${old.number + 1}`);
    assert.deepEqual(made.labels, input.labels);
    assert.equal(fake.count('POST', `/repos/${REPO}/issues`), 1, 'the create was not sent again');
    assert.deepEqual(policy.slept, [1]);

    // A 502 before GitHub did anything: the lookup finds nothing and the create is sent again.
    fake.inject({
      method: 'POST',
      path: `/repos/${REPO}/issues`,
      status: 502,
      body: { message: 'Server Error' },
    });
    const again = await tracker.createIssue({ ...input, title: 'CVE-2024-26581 on 9.4' });
    assert.equal(again.key, `${REPO}#${old.number + 2}`);
    assert.equal(fake.count('POST', `/repos/${REPO}/issues`), 3);
    assert.equal(
      [...fake.repos.get(REPO.toLowerCase())!.issues.values()].filter(
        (i) => i.title === 'CVE-2024-26581 on 9.4',
      ).length,
      1,
    );
  });

  test('5xx every time gives up after the configured attempts', async () => {
    const rec = fake.seedIssue(REPO, { title: 't' });
    fake.inject({
      method: 'GET',
      path: /\/issues\/\d+$/,
      status: 503,
      times: 10,
      body: { message: 'Service Unavailable' },
    });
    await assert.rejects(tracker.getIssue(`#${rec.number}`), (e: unknown) => {
      assert.ok(e instanceof VendorUnavailableError);
      assert.equal(e.attempts, 4);
      assert.equal(e.status, 503);
      assert.equal(e.vendorMessage, 'Service Unavailable');
      return true;
    });
    assert.equal(fake.count('GET', `/repos/${REPO}/issues/${rec.number}`), 4);
  });

  test("a permanent 4xx surfaces GitHub's own message and errors, without retry", async () => {
    const rec = fake.seedIssue(REPO, { title: 't' });
    fake.inject({
      method: 'POST',
      path: /\/labels$/,
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'Label',
            field: 'name',
            code: 'invalid',
            message: 'name is too long (maximum is 50 characters)',
          },
        ],
        documentation_url: 'https://docs.github.com/rest/issues/labels#add-labels-to-an-issue',
      },
    });
    await assert.rejects(tracker.addLabels(`#${rec.number}`, ['x'.repeat(60)]), (e: unknown) => {
      assert.ok(e instanceof VendorRejectedError);
      assert.equal(e.status, 422);
      assert.equal(e.vendorMessage, 'Validation Failed');
      assert.deepEqual(e.details, ['name is too long (maximum is 50 characters)']);
      assert.match(
        e.message,
        /github: add labels to .* was refused \(HTTP 422\): Validation Failed \(name is too long/,
      );
      return true;
    });
    assert.deepEqual(policy.slept, []);
  });

  test('bad credentials are a permanent refusal', async () => {
    const client = new GitHubClient({
      apiUrl: fake.url,
      repo: REPO,
      auth: { kind: 'token', token: 'wrong' },
      retry: policy,
    });
    const t = new GitHubTracker(client, { name: 'gh', repo: REPO, form: FORM, command: '/backport' });
    const rec = fake.seedIssue(REPO, { title: 't' });
    await assert.rejects(
      t.getIssue(`#${rec.number}`),
      (e: unknown) => e instanceof VendorRejectedError && e.vendorMessage === 'Bad credentials',
    );
  });
});

describe('the fake GitHub is strict', () => {
  test('a request the real API would reject fails (and is recorded as a violation)', async () => {
    const octokit = new Octokit({ baseUrl: fake.url, auth: TOKEN });
    const rec = fake.seedIssue(REPO, { title: 't' });
    await assert.rejects(
      octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        owner: 'Codertocat',
        repo: 'Hello-World',
        issue_number: rec.number,
        state: 'resolved',
      } as never),
      (e: { status?: number }) => e.status === 422,
    );
    await assert.rejects(
      octokit.request('GET /repos/{owner}/{repo}/issues', {
        owner: 'Codertocat',
        repo: 'Hello-World',
        per_page: 'many',
      } as never),
      (e: { status?: number }) => e.status === 422,
    );
    await assert.rejects(
      octokit.request('POST /repos/{owner}/{repo}/pulls', {
        owner: 'Codertocat',
        repo: 'Hello-World',
        title: 'x',
        head: 'a',
      } as never),
      (e: { status?: number }) => e.status === 422,
    );
    assert.equal(fake.violations.length, 3);
    assert.match(fake.violations[0]!, /issues\/update request: body.state: "resolved" not in enum/);
    assert.match(fake.violations[1]!, /query.per_page: 'many' is not a number/);
    assert.match(fake.violations[2]!, /body.base: required/);
    fake.violations.length = 0;
  });
});

describe('webhook events (payloads from @octokit/webhooks-examples)', () => {
  const headers = (event: string) => ({
    'x-github-event': event,
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  });

  test('issues.opened is a created event for the issue', () => {
    const p = webhookExample('issues', 'opened');
    const ev = tracker.parseEvent(headers('issues'), JSON.stringify(p));
    assert.deepEqual(ev, {
      tracker: 'gh',
      issueKey: `${REPO}#${p.issue.number}`,
      action: 'created',
      changed: [],
      commands: [],
      actor: p.sender.login,
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    });
  });

  test('issues.edited reports a change of the hashes section, and nothing for other edits', () => {
    const p = webhookExample('issues', 'edited');
    p.changes = { body: { from: FORM_BODY } };
    p.issue.body = FORM_BODY.replace('1234567abc\n', '1234567abc\n89abcdef01\n');
    assert.deepEqual(problemsAddedByEdit('issues', 'edited', p), []);
    assert.deepEqual(tracker.parseEvent(headers('issues'), p)?.changed, ['commit_hashes']);

    p.issue.body = FORM_BODY.replace('9.6', '9.4');
    assert.deepEqual(tracker.parseEvent(headers('issues'), p)?.changed, ['fix_versions']);

    p.issue.body = FORM_BODY.replace('_No response_', 'more words');
    assert.equal(
      tracker.parseEvent(headers('issues'), p),
      null,
      'an edit outside the fields is not relevant',
    );
    assert.equal(
      tracker.parseEvent(headers('issues'), webhookExample('issues', 'edited')),
      null,
      'title-only edit',
    );
  });

  test('issue_comment.created with /backport lines gives commands; other comments give nothing', () => {
    const p = webhookExample('issue_comment', 'created');
    p.comment.body = 'Please:\n/backport 1234567abc deadbeef to 9.6\n> /backport quoted\n/backport cafe1234';
    assert.deepEqual(problemsAddedByEdit('issue_comment', 'created', p), []);
    const ev = tracker.parseEvent(headers('issue_comment'), p);
    assert.equal(ev?.action, 'commented');
    assert.deepEqual(ev?.commands, [
      { hashes: ['1234567abc', 'deadbeef'], stream: '9.6', commentId: String(p.comment.id) },
      { hashes: ['cafe1234'], stream: null, commentId: String(p.comment.id) },
    ]);
    assert.equal(
      tracker.parseEvent(headers('issue_comment'), webhookExample('issue_comment', 'created')),
      null,
    );

    const own = webhookExample('issue_comment', 'created');
    own.comment.body = '/backport 1234567abc\n\n<!-- ferry:marker=attempt:1 -->';
    assert.equal(
      tracker.parseEvent(headers('issue_comment'), own),
      null,
      "Ferry's own comments are not commands",
    );

    const onPr = webhookExample('issue_comment', 'created');
    onPr.comment.body = '/backport 1234567abc';
    onPr.issue.pull_request = {
      url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/1',
      html_url: 'h',
      diff_url: 'd',
      patch_url: 'p',
    };
    assert.equal(
      tracker.parseEvent(headers('issue_comment'), onPr),
      null,
      'comments on pull requests are not requests',
    );
  });

  test('labels taken off, milestones, close and reopen; label added, other repos and events ignored', () => {
    assert.deepEqual(tracker.parseEvent(headers('issues'), webhookExample('issues', 'unlabeled'))?.changed, [
      'labels_removed',
    ]);
    const milestoned = webhookExample('issues', 'milestoned');
    assert.equal(tracker.parseEvent(headers('issues'), milestoned), null, 'the example is on a pull request');
    milestoned.issue.pull_request = undefined;
    assert.deepEqual(problemsAddedByEdit('issues', 'milestoned', JSON.parse(JSON.stringify(milestoned))), []);
    assert.deepEqual(tracker.parseEvent(headers('issues'), milestoned)?.changed, ['fix_versions']);
    assert.equal(
      tracker.parseEvent(headers('issues'), webhookExample('issues', 'reopened'))?.action,
      'reopened',
    );
    assert.equal(tracker.parseEvent(headers('issues'), webhookExample('issues', 'labeled')), null);
    assert.equal(tracker.parseEvent(headers('issues'), webhookExample('issues', 'transferred')), null);
    assert.equal(tracker.parseEvent(headers('issues'), webhookExample('issues', 'assigned')), null);
    assert.equal(tracker.parseEvent(headers('pull_request'), webhookExample('pull_request', 'opened')), null);
    assert.equal(tracker.parseEvent({}, webhookExample('issues', 'opened')), null, 'no event header');
    assert.equal(tracker.parseEvent(headers('issues'), 'not json'), null);
  });
});
