import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { GitLabForge } from '../../src/forges/gitlab/index.js';
import { Repo } from '../../src/git/repo.js';
import { VendorRejectedError } from '../../src/vendors/errors.js';
import { GitLabClient } from '../../src/vendors/gitlab/client.js';
import { GitLabFake } from '../fakes/gitlab.js';
import { recordingPolicy } from '../fakes/policy.js';
import { bareClone, createRepo } from '../helpers/git-fixture.js';

const TOKEN = 'glpat-forge';
let fake: GitLabFake;
let policy: ReturnType<typeof recordingPolicy>;

beforeEach(async () => {
  fake = await new GitLabFake(TOKEN).start();
  policy = recordingPolicy();
});

afterEach(async () => {
  await fake.close();
  assert.deepEqual(fake.violations, []);
});

/** A target project and the bot's fork, each a real bare repository; a mirror holding a bot commit. */
async function world() {
  const work = createRepo();
  work.commit('base', { 'a.c': 'a\n' });
  work.git(['branch', 'rhel-9.6']);
  const target = createRepo({ bare: true });
  const fork = createRepo({ bare: true });
  work.git(['push', '-q', target.dir, 'main', 'rhel-9.6']);
  work.git(['push', '-q', fork.dir, 'main', 'rhel-9.6']);
  work.checkout('pick', { from: 'rhel-9.6' });
  const pick = work.commit('fix\n\n(cherry picked from commit 1234567)', { 'a.c': 'b\n' });
  fake.addProject('rhel/kernel', target.dir);
  fake.addProject('kernel-bot/kernel', fork.dir);
  return { pick, fork, mirror: await Repo.open(bareClone(work).dir) };
}

function forge(fork: string, sourceProject?: string) {
  return new GitLabForge(new GitLabClient({ url: fake.url, token: TOKEN, retry: policy }), {
    name: 'gl',
    project: 'rhel/kernel',
    ...(sourceProject ? { sourceProject } : {}),
    pushUrl: fork,
    botNamespace: 'kernel-bot',
    labels: ['ferry-backport'],
  });
}

test('a draft MR from the bot fork: found, not duplicated, on the second call', async () => {
  const { pick, fork, mirror } = await world();
  const f = forge(fork.dir, 'kernel-bot/kernel');
  const branch = f.botBranch('RHEL-1234', '9.6');
  assert.equal(branch, 'kernel-bot/RHEL-1234-9.6');
  assert.equal((await f.push(mirror, { commit: pick, branch, target: 'rhel-9.6' })).status, 'created');
  const input = {
    sourceBranch: branch,
    targetBranch: 'rhel-9.6',
    title: '[9.6] fix',
    description: 'Backport for RHEL-1234',
    commit: pick,
  };
  const first = await f.openDraftMergeRequest(input);
  const second = await f.openDraftMergeRequest(input);
  assert.deepEqual([first.created, second.created], [true, false]);
  assert.equal(first.mergeRequest.id, 'gitlab:rhel/kernel!1');
  assert.equal(first.mergeRequest.draft, true);
  assert.equal(first.mergeRequest.title, 'Draft: [9.6] fix');
  assert.deepEqual(first.mergeRequest.labels, ['ferry-backport']);
  assert.equal(first.mergeRequest.headOid, pick);
  const target = fake.project('rhel/kernel');
  assert.equal(target.mrs.size, 1);
  assert.equal(target.mrs.get(1)!.source_project_id, fake.project('kernel-bot/kernel').id);
  assert.equal(fake.project('kernel-bot/kernel').mrs.size, 0, 'the MR lives in the target project');
});

test('a 502 after GitLab stored the MR: the retry finds it (and GitLab would have said 409)', async () => {
  const { pick, fork, mirror } = await world();
  const f = forge(fork.dir, 'kernel-bot/kernel');
  const branch = f.botBranch('RHEL-1', '9.6');
  await f.push(mirror, { commit: pick, branch, target: 'rhel-9.6' });
  fake.inject({
    method: 'POST',
    path: /merge_requests$/,
    status: 502,
    afterHandler: true,
    body: { message: '502 Bad Gateway' },
  });
  const r = await f.openDraftMergeRequest({
    sourceBranch: branch,
    targetBranch: 'rhel-9.6',
    title: 't',
    description: '',
    commit: pick,
  });
  assert.equal(r.created, true, 'this call made it; the retry found it instead of creating it again');
  assert.equal(r.mergeRequest.id, 'gitlab:rhel/kernel!1');
  assert.equal(r.mergeRequest.draft, true);
  assert.equal(fake.project('rhel/kernel').mrs.size, 1);
  assert.equal(fake.count('POST', /merge_requests$/), 1, 'no second create (GitLab would answer 409)');
  assert.deepEqual(policy.slept, [1]);
});

test('a 502 before GitLab stored the MR: the lookup finds nothing and the create is sent again', async () => {
  const { pick, fork, mirror } = await world();
  const f = forge(fork.dir, 'kernel-bot/kernel');
  const branch = f.botBranch('RHEL-1', '9.6');
  await f.push(mirror, { commit: pick, branch, target: 'rhel-9.6' });
  fake.inject({ method: 'POST', path: /merge_requests$/, status: 502 });
  const r = await f.openDraftMergeRequest({
    sourceBranch: branch,
    targetBranch: 'rhel-9.6',
    title: 't',
    description: '',
    commit: pick,
  });
  assert.equal(r.created, true);
  assert.equal(fake.project('rhel/kernel').mrs.size, 1);
  assert.equal(fake.count('POST', /merge_requests$/), 2);
});

test("GitLab's validation message when the branch was never pushed; approvals; update; close", async () => {
  const { pick, fork, mirror } = await world();
  const f = forge(fork.dir, 'kernel-bot/kernel');
  await assert.rejects(
    f.openDraftMergeRequest({
      sourceBranch: 'kernel-bot/nope',
      targetBranch: 'rhel-9.6',
      title: 't',
      description: '',
      commit: pick,
    }),
    (e: unknown) => {
      assert.ok(e instanceof VendorRejectedError);
      assert.equal(e.status, 422);
      assert.equal(e.vendorMessage, 'source_branch does not exist');
      return true;
    },
  );
  const branch = f.botBranch('RHEL-2', '9.6');
  await f.push(mirror, { commit: pick, branch, target: 'rhel-9.6' });
  const { mergeRequest } = await f.openDraftMergeRequest({
    sourceBranch: branch,
    targetBranch: 'rhel-9.6',
    title: 't',
    description: 'd',
    commit: pick,
  });
  fake.project('rhel/kernel').mrs.get(1)!.approvedBy.push('maint');
  const status = await f.getMergeRequest(mergeRequest.id);
  assert.deepEqual(status.approvedBy, ['maint']);
  assert.equal(status.state, 'open');
  await f.updateDescription(mergeRequest.id, 'updated');
  assert.equal(fake.project('rhel/kernel').mrs.get(1)!.description, 'updated');
  await f.closeMergeRequest(mergeRequest.id, 'stale draft');
  await f.closeMergeRequest(mergeRequest.id, 'stale draft');
  assert.equal(fake.project('rhel/kernel').mrs.get(1)!.state, 'closed');
  assert.equal(fake.project('rhel/kernel').mrs.get(1)!.notes.length, 1);
});

test('without a fork, branches and MRs are in the target project', async () => {
  const { pick, mirror } = await world();
  const targetDir = fake.project('rhel/kernel').gitDir!;
  const f = forge(targetDir);
  const branch = f.botBranch('RHEL-3', '9.6');
  await f.push(mirror, { commit: pick, branch, target: 'rhel-9.6' });
  const { mergeRequest } = await f.openDraftMergeRequest({
    sourceBranch: branch,
    targetBranch: 'rhel-9.6',
    title: 't',
    description: '',
    commit: pick,
  });
  assert.equal((await f.findOpenMergeRequest(branch, 'rhel-9.6'))?.id, mergeRequest.id);
  assert.equal(await f.findOpenMergeRequest(branch, 'main'), null);
});
