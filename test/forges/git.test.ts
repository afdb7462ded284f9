import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PlainGitForge } from '../../src/forges/git/index.js';
import { ForgeInputError } from '../../src/forges/types.js';
import { BadInputError } from '../../src/git/errors.js';
import { PushRejectedError } from '../../src/git/push.js';
import { Repo } from '../../src/git/repo.js';
import { bareClone, createRepo } from '../helpers/git-fixture.js';

async function world() {
  const work = createRepo();
  work.commit('base', { f: '1\n' });
  work.git(['branch', 'stable']);
  const remote = createRepo({ bare: true });
  work.git(['push', '-q', remote.dir, 'main', 'stable']);
  work.checkout('p', { from: 'stable' });
  const pick = work.commit('pick', { f: '2\n' });
  const again = work.commit('pick again', { f: '3\n' });
  const mirror = await Repo.open(bareClone(work).dir);
  const forge = new PlainGitForge({
    name: 'local',
    remote: remote.dir,
    botNamespace: 'ferry',
    repo: async () => mirror,
  });
  return { remote, mirror, forge, pick, again };
}

test('push, then find-before-create: one record, kept on the remote, found after a "crash"', async () => {
  const { remote, mirror, forge, pick, again } = await world();
  const branch = forge.botBranch('REQ-1', 'stable');
  assert.equal(branch, 'ferry/REQ-1-stable');
  assert.equal((await forge.push(mirror, { commit: pick, branch, target: 'stable' })).status, 'created');
  assert.equal((await forge.push(mirror, { commit: pick, branch, target: 'stable' })).status, 'up-to-date');
  assert.equal(await forge.findOpenMergeRequest(branch, 'stable'), null, 'pushed but not opened yet');
  const input = {
    sourceBranch: branch,
    targetBranch: 'stable',
    title: 'Backport',
    description: 'd',
    commit: pick,
  };
  const a = await forge.openDraftMergeRequest(input);
  const b = await forge.openDraftMergeRequest(input);
  assert.deepEqual([a.created, b.created], [true, false]);
  assert.equal(a.mergeRequest.id, `git:${remote.dir}#${branch}`);
  assert.equal(a.mergeRequest.draft, true);
  assert.equal(remote.git(['rev-parse', `refs/ferry/merge-requests/${branch}`]), pick);
  const found = await forge.findOpenMergeRequest(branch, 'stable');
  assert.equal(found?.id, a.mergeRequest.id);
  assert.equal(found?.headOid, pick);

  await assert.rejects(
    forge.push(mirror, { commit: again, branch, target: 'stable', expectOld: null }),
    PushRejectedError,
  );
  assert.equal(
    (await forge.push(mirror, { commit: again, branch, target: 'stable', expectOld: pick })).status,
    'fast-forward',
  );
  const status = await forge.getMergeRequest(a.mergeRequest.id);
  assert.equal(status.state, 'open');
  assert.equal(status.headOid, again);

  await forge.closeMergeRequest(a.mergeRequest.id);
  await forge.closeMergeRequest(a.mergeRequest.id);
  assert.equal((await forge.getMergeRequest(a.mergeRequest.id)).state, 'closed');
  assert.equal(remote.git(['rev-parse', `refs/heads/${branch}`]), again, 'closing keeps the branch');
});

test('an MR needs its branch on the remote; ids and remotes are checked', async () => {
  const { remote, forge, pick } = await world();
  await assert.rejects(
    forge.openDraftMergeRequest({
      sourceBranch: 'ferry/none',
      targetBranch: 'stable',
      title: 't',
      description: '',
      commit: pick,
    }),
    ForgeInputError,
  );
  await assert.rejects(forge.getMergeRequest('github:o/r#1'), ForgeInputError);
  assert.throws(
    () =>
      new PlainGitForge({
        name: 'x',
        remote: 'ext::sh',
        botNamespace: 'f',
        repo: async () => Repo.open(remote.dir),
      }),
    BadInputError,
  );
});
