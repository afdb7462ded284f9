import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { GitHubForge } from '../../src/forges/github/index.js';
import { ForgeInputError } from '../../src/forges/types.js';
import { Repo } from '../../src/git/repo.js';
import { GitHubTracker } from '../../src/trackers/github/index.js';
import { VendorRejectedError } from '../../src/vendors/errors.js';
import { GitHubClient } from '../../src/vendors/github/client.js';
import { GitHubFake } from '../fakes/github/server.js';
import { recordingPolicy } from '../fakes/policy.js';
import { bareClone, createRepo } from '../helpers/git-fixture.js';

const REPO = 'octo/kernel';
const TOKEN = 'ghp_forgetoken';

/** A downstream with a stable branch on a real bare remote, and a mirror that holds a bot commit. */
async function world() {
  const work = createRepo();
  work.commit('base', { 'f.c': 'int x;\n' });
  work.git(['branch', 'stable-9.6']);
  const remote = createRepo({ bare: true });
  work.git(['push', '-q', remote.dir, 'main', 'stable-9.6']);
  work.checkout('bot', { from: 'stable-9.6' });
  const pick = work.commit('fix: a thing\n\n(cherry picked from commit 1234567)', { 'f.c': 'int x = 1;\n' });
  const mirror = await Repo.open(bareClone(work).dir);
  return { remote, mirror, pick };
}

let fake: GitHubFake;
let policy: ReturnType<typeof recordingPolicy>;

beforeEach(async () => {
  fake = await new GitHubFake({ token: TOKEN }).start();
  policy = recordingPolicy();
});

afterEach(async () => {
  await fake.close();
  assert.deepEqual(fake.violations, [], 'every request and answer matched api.github.com');
});

function forgeFor(pushUrl: string, client?: GitHubClient): GitHubForge {
  const c =
    client ??
    new GitHubClient({ apiUrl: fake.url, repo: REPO, auth: { kind: 'token', token: TOKEN }, retry: policy });
  return new GitHubForge(c, {
    name: 'gh',
    repo: REPO,
    pushUrl,
    botNamespace: 'ferry',
    labels: ['ferry-backport'],
  });
}

describe('GitHub pull requests', () => {
  test('push, then find-before-create: two calls give one draft PR with the labels', async () => {
    const { remote, mirror, pick } = await world();
    fake.addRepo(REPO, remote.dir);
    const forge = forgeFor(remote.dir);
    const branch = forge.botBranch(`${REPO}#12`, '9.6');
    assert.equal(branch, 'ferry/octo-kernel-12-9.6');

    const pushed = await forge.push(mirror, { commit: pick, branch, target: 'stable-9.6' });
    assert.equal(pushed.status, 'created');
    assert.equal(
      (await forge.push(mirror, { commit: pick, branch, target: 'stable-9.6' })).status,
      'up-to-date',
    );
    assert.equal(await forge.findOpenMergeRequest(branch, 'stable-9.6'), null);

    const input = {
      sourceBranch: branch,
      targetBranch: 'stable-9.6',
      title: '[9.6] fix: a thing',
      description: `Backport for ${REPO}#12`,
      labels: ['cve'],
      commit: pick,
    };
    const first = await forge.openDraftMergeRequest(input);
    const second = await forge.openDraftMergeRequest(input);
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.mergeRequest.id, first.mergeRequest.id);
    assert.equal(fake.pulls(REPO).length, 1);
    const mr = first.mergeRequest;
    assert.match(mr.id, /^github:octo\/kernel#\d+$/);
    assert.equal(mr.draft, true);
    assert.equal(mr.state, 'open');
    assert.equal(mr.sourceBranch, branch);
    assert.equal(mr.targetBranch, 'stable-9.6');
    assert.equal(mr.headOid, pick);
    assert.deepEqual(mr.labels.sort(), ['cve', 'ferry-backport']);
    assert.deepEqual((await forge.findOpenMergeRequest(branch, 'stable-9.6'))?.id, mr.id);
  });

  test('a 502 that arrives after GitHub created the PR is answered by the lookup on retry', async () => {
    const { remote, mirror, pick } = await world();
    fake.addRepo(REPO, remote.dir);
    const forge = forgeFor(remote.dir);
    const branch = forge.botBranch('RHEL-7', '9.6');
    await forge.push(mirror, { commit: pick, branch, target: 'stable-9.6' });
    fake.inject({
      method: 'POST',
      path: `/repos/${REPO}/pulls`,
      status: 502,
      afterHandler: true,
      body: { message: 'Server Error' },
    });
    const r = await forge.openDraftMergeRequest({
      sourceBranch: branch,
      targetBranch: 'stable-9.6',
      title: 't',
      description: 'd',
      commit: pick,
    });
    assert.equal(r.created, true, 'this call made it; the retry found it instead of creating it again');
    assert.equal(r.mergeRequest.id, `github:${REPO}#${fake.pulls(REPO)[0]!.number}`);
    assert.equal(fake.pulls(REPO).length, 1);
    assert.equal(fake.count('POST', `/repos/${REPO}/pulls`), 1, 'no second create (GitHub would answer 422)');
    assert.deepEqual(policy.slept, [1]);
  });

  test('a 502 before GitHub made the PR: the lookup finds nothing and the create is sent again', async () => {
    const { remote, mirror, pick } = await world();
    fake.addRepo(REPO, remote.dir);
    const forge = forgeFor(remote.dir);
    const branch = forge.botBranch('RHEL-7', '9.6');
    await forge.push(mirror, { commit: pick, branch, target: 'stable-9.6' });
    fake.inject({
      method: 'POST',
      path: `/repos/${REPO}/pulls`,
      status: 502,
      body: { message: 'Server Error' },
    });
    const r = await forge.openDraftMergeRequest({
      sourceBranch: branch,
      targetBranch: 'stable-9.6',
      title: 't',
      description: 'd',
      commit: pick,
    });
    assert.equal(r.created, true);
    assert.equal(fake.pulls(REPO).length, 1);
    assert.equal(fake.count('POST', `/repos/${REPO}/pulls`), 2);
  });

  test("GitHub's refusal of a PR whose head was never pushed surfaces its message", async () => {
    const { remote, pick } = await world();
    fake.addRepo(REPO, remote.dir);
    const forge = forgeFor(remote.dir);
    await assert.rejects(
      forge.openDraftMergeRequest({
        sourceBranch: 'ferry/nope',
        targetBranch: 'stable-9.6',
        title: 't',
        description: '',
        commit: pick,
      }),
      (e: unknown) => {
        assert.ok(e instanceof VendorRejectedError);
        assert.equal(e.status, 422);
        assert.equal(e.vendorMessage, 'Validation Failed');
        assert.deepEqual(e.details, ['PullRequest head invalid']);
        return true;
      },
    );
    assert.deepEqual(policy.slept, []);
  });

  test('state and approvals, description update, close', async () => {
    const { remote, mirror, pick } = await world();
    fake.addRepo(REPO, remote.dir);
    const forge = forgeFor(remote.dir);
    const branch = forge.botBranch('RHEL-9', '9.6');
    await forge.push(mirror, { commit: pick, branch, target: 'stable-9.6' });
    const { mergeRequest } = await forge.openDraftMergeRequest({
      sourceBranch: branch,
      targetBranch: 'stable-9.6',
      title: 't',
      description: 'd',
      commit: pick,
    });
    const n = Number(mergeRequest.id.split('#')[1]);
    fake.addReview(REPO, n, 'alice', 'APPROVED');
    fake.addReview(REPO, n, 'bob', 'APPROVED');
    fake.addReview(REPO, n, 'bob', 'CHANGES_REQUESTED');
    fake.addReview(REPO, n, 'alice', 'COMMENTED');
    const status = await forge.getMergeRequest(mergeRequest.id);
    assert.deepEqual(status.approvedBy, ['alice']);
    await forge.updateDescription(mergeRequest.id, 'new words');
    assert.equal(fake.issue(REPO, n).body, 'new words');
    await forge.closeMergeRequest(mergeRequest.id, 'Closing: the issue was resolved as Won\u2019t Do.');
    await forge.closeMergeRequest(mergeRequest.id, 'Closing: the issue was resolved as Won\u2019t Do.');
    assert.equal(fake.issue(REPO, n).state, 'closed');
    assert.equal(fake.issue(REPO, n).comments.length, 1);
    assert.equal((await forge.getMergeRequest(mergeRequest.id)).state, 'closed');
    await assert.rejects(forge.getMergeRequest('gitlab:x!1'), ForgeInputError);
  });
});

describe('GitHub App authentication', () => {
  test('installation found from the repository, token minted with a signed JWT, used for REST and git', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    await fake.close();
    fake = await new GitHubFake({ app: { id: 4242, publicKeyPem: publicKey, installationId: 77 } }).start();
    fake.addRepo(REPO);
    const client = new GitHubClient({
      apiUrl: fake.url,
      repo: REPO,
      auth: { kind: 'app', appId: 4242, privateKey },
      retry: policy,
    });
    const tracker = new GitHubTracker(client, {
      name: 'gh',
      repo: REPO,
      form: { commit_hashes: 'Commit hashes', fix_version: 'Fix version' },
      command: '/backport',
    });
    const rec = fake.seedIssue(REPO, { title: 'via app' });
    assert.equal((await tracker.getIssue(`#${rec.number}`)).title, 'via app');
    assert.equal(fake.count('GET', `/repos/${REPO}/installation`), 1);
    assert.equal(fake.count('POST', '/app/installations/77/access_tokens'), 1);
    const header = await client.gitHttpHeader();
    const [user, token] = Buffer.from(header.replace('Authorization: Basic ', ''), 'base64')
      .toString()
      .split(':');
    assert.equal(user, 'x-access-token');
    assert.match(token!, /^ghs_/);

    const wrongKey = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
    const impostor = new GitHubClient({
      apiUrl: fake.url,
      repo: REPO,
      auth: { kind: 'app', appId: 4242, privateKey: wrongKey },
      retry: policy,
    });
    await assert.rejects(
      new GitHubTracker(impostor, {
        name: 'gh',
        repo: REPO,
        form: { commit_hashes: 'c', fix_version: 'f' },
        command: '/backport',
      }).getIssue('#1'),
      (e: unknown) => e instanceof VendorRejectedError && e.status === 401,
    );
  });
});
