import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deps, referencedCommits } from '../../src/engine/deps.js';
import { createRepo } from '../helpers/git-fixture.js';

test('referencedCommits reads Fixes: trailers (kernel style too) and reverts', () => {
  assert.deepEqual(
    referencedCommits(
      'x\n\nFixes: 1234567890ab ("subject")\nFixes: abcdef1\n\nThis reverts commit fedcba9876543210.',
    ),
    [
      { hash: '1234567890ab', kind: 'fixes' },
      { hash: 'abcdef1', kind: 'fixes' },
      { hash: 'fedcba9876543210', kind: 'reverts' },
    ],
  );
});

test('deps: follow-up fixes and reverts, recursively, each marked present or missing on the target', async () => {
  const repo = createRepo();
  repo.commit('base', { 'a.txt': '1\n2\n3\n', 'b.txt': 'b\n' });
  repo.git(['branch', 'stable/1']);
  const fix = repo.commit('Fix a', { 'a.txt': '1\ntwo\n3\n' });
  repo.commit('unrelated', { 'c.txt': 'c\n' });
  const followUp = repo.commit(`Fix the fix\n\nFixes: ${fix.slice(0, 12)} ("Fix a")\n`, {
    'a.txt': '1\ntwo!\n3\n',
  });
  const revert = repo.commit(`Revert "Fix the fix"\n\nThis reverts commit ${followUp}.\n`, {
    'a.txt': '1\ntwo\n3\n',
  });
  const again = repo.commit(`Fix it differently\n\nFixes: ${revert.slice(0, 8)}\n`, { 'b.txt': 'b2\n' });
  repo.checkout('stable/1');
  repo.cherryPick(fix);
  repo.cherryPick(followUp);
  repo.checkout('main');

  const r = await deps({ repo: repo.dir, commits: [fix.slice(0, 10)], to: 'stable/1' });
  assert.deepEqual(r.commits, [fix]);
  assert.deepEqual(r.prerequisites, []);
  assert.deepEqual(
    r.follow_ups.map((f) => [f.commit, f.fixes, f.present, f.reason]),
    [
      [followUp, fix, true, `has "Fixes: ${fix.slice(0, 12)}"`],
      [revert, followUp, false, `reverts ${followUp.slice(0, 12)}`],
      [again, revert, false, `has "Fixes: ${revert.slice(0, 12)}"`],
    ],
  );
});

test('deps: a conflicting pick lists the commit that must go first', async () => {
  const repo = createRepo();
  repo.commit('base', { 'a.txt': 'x\ny\nz\n' });
  repo.git(['branch', 'stable/1']);
  const first = repo.commit('rename y', { 'a.txt': 'x\nwhy\nz\n' });
  const fix = repo.commit('fix why', { 'a.txt': 'x\nwhy!\nz\n' });
  const r = await deps({ repo: repo.dir, commits: [fix], to: 'stable/1' });
  assert.equal(r.prerequisites[0]?.commit, first);
  assert.equal(r.prerequisites[0]?.subject, 'rename y');
});
