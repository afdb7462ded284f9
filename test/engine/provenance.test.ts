import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backportMessage, changeIdOf, conflictsNote, provenanceRefs } from '../../src/engine/provenance.js';
import { resolveBlock } from '../../src/engine/resolve-whitespace.js';
import { createRepo } from '../helpers/git-fixture.js';

const X = '0123456789abcdef0123456789abcdef01234567';
const CHANGE = 'Change-Id: I0123456789abcdef0123456789abcdef01234567';

describe('provenance lines', () => {
  test('all formats, short and full hashes, in order of appearance', () => {
    const msg = [
      'Subject',
      '',
      'commit 1234567890ab upstream.',
      '[ Upstream commit abcdef1234567890abcdef1234567890abcdef12 ]',
      'Backport of fedcba9 from main',
      '(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)',
      '(backported from commit 7654321fedcba)',
    ].join('\n');
    assert.deepEqual(provenanceRefs(msg), [
      { hash: '1234567890ab', format: 'kernel-stable' },
      { hash: 'abcdef1234567890abcdef1234567890abcdef12', format: 'kernel-upstream-bracket' },
      { hash: 'fedcba9', format: 'backport-of' },
      { hash: '0123456789abcdef0123456789abcdef01234567', format: 'cherry-pick-x' },
      { hash: '7654321fedcba', format: 'backported-from' },
    ]);
  });

  test('a hash of fewer than 7 digits is not provenance', () => {
    assert.deepEqual(provenanceRefs('(cherry picked from commit 12345)'), []);
  });
});

describe('backport messages', () => {
  // git's own behaviour is the reference: compare with a real `git cherry-pick -x -s`.
  for (const [label, message] of [
    ['no trailers', 'Fix the thing\n\nBody text.\n'],
    ['trailer block', 'Fix the thing\n\nBody text.\n\nSigned-off-by: A <a@example.org>\n'],
    ['subject only', 'Fix the thing\n'],
  ] as const) {
    test(`matches git cherry-pick -x -s: ${label}`, () => {
      const repo = createRepo();
      repo.commit('base', { 'f.txt': '1\n' });
      repo.git(['branch', 'stable']);
      const fix = repo.commit(message, { 'f.txt': '2\n' });
      repo.checkout('stable');
      const human = repo.cherryPick(fix, ['-s']);
      const ours = backportMessage(message, {
        origin: fix,
        signoff: { name: 'Cy Committer', email: 'cy@example.org' },
      });
      assert.equal(ours, `${repo.git(['cat-file', 'commit', human]).split('\n\n').slice(1).join('\n\n')}\n`);
    });
  }

  test('a Gerrit Change-Id stays in the last paragraph; notes and conflicts go above it', () => {
    const original = `Fix the thing\n\nBody.\n\nCloses-Bug: #1\n${CHANGE}\n`;
    const out = backportMessage(original, { origin: X, note: conflictsNote(['a.py', 'b/c.py']) });
    assert.equal(
      out,
      `Fix the thing\n\nBody.\n\nConflicts:\n\ta.py\n\tb/c.py\n\nCloses-Bug: #1\n${CHANGE}\n(cherry picked from commit ${X})\n`,
    );
    assert.equal(changeIdOf(out), CHANGE.slice('Change-Id: '.length));
  });

  test('a Change-Id paragraph that git would not call a trailer block still stays last', () => {
    const original = `Fix\n\nsome words\n${CHANGE}\n`;
    const out = backportMessage(original, { origin: X });
    assert.equal(out, `Fix\n\nsome words\n${CHANGE}\n(cherry picked from commit ${X})\n`);
    assert.ok(changeIdOf(out));
  });

  test('picking a backport again keeps the chain, oldest first, as git does', () => {
    const once = backportMessage('Fix\n\nBody.\n', { origin: X });
    const twice = backportMessage(once, { origin: 'f'.repeat(40) });
    assert.equal(
      twice,
      `Fix\n\nBody.\n\n(cherry picked from commit ${X})\n(cherry picked from commit ${'f'.repeat(40)})\n`,
    );
  });
});

describe('layout-only conflict blocks', () => {
  test('re-wrapped context: the insertion lands before the target lines, kept as they are', () => {
    const ours = ['    sg = get(ctx,', '        pg["id"])'];
    const base = ['    sg = get(', '        ctx, pg["id"])'];
    const theirs = ['    if x:', '        return', '    sg = get(', '        ctx, pg["id"])'];
    assert.deepEqual(resolveBlock(ours, base, theirs), ['    if x:', '        return', ...ours]);
  });

  test('a real edit on the target side is left as a conflict', () => {
    assert.equal(resolveBlock(['a = 2'], ['a = 1'], ['a = 1', 'b = 1']), null);
  });

  test('indentation that differs next to the change is left as a conflict', () => {
    assert.equal(
      resolveBlock(['  a()', '  b()'], ['    a()', '    b()'], ['    a()', '    c()', '    b()']),
      null,
    );
  });
});
