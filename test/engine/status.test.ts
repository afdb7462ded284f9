import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { status } from '../../src/engine/status.js';
import { createRepo } from '../helpers/git-fixture.js';

function lines(n: number, prefix = 'line'): string {
  return `${Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n')}\n`;
}

/** main with four fixes; stable/1 forked before them, carrying each in a different way. */
function ladderRepo() {
  const repo = createRepo();
  const files: Record<string, string> = {};
  for (const f of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) files[`${f}.txt`] = lines(10, f);
  const base = repo.commit('base', files);
  repo.git(['branch', 'stable/1']);
  const fix = (f: string, subject: string) =>
    repo.commit(`${subject}\n\nExplains the fix.\n\nSigned-off-by: Up Stream <up@example.org>\n`, {
      [`${f}.txt`]: lines(10, f).replace(`${f} 5\n`, `${f} five\n`),
    });
  const fixes = {
    cherryX: fix('a', 'Fix a'),
    kernel: fix('b', 'Fix b'),
    bracket: fix('c', 'Fix c'),
    backportOf: fix('d', 'Fix d'),
    patchOnly: fix('e', 'Fix e'),
    weak: fix('f', 'Fix f'),
    missing: fix('g', 'Fix g'),
  };
  const onMain = repo.commit('later main work', { 'h.txt': 'h\n' });
  repo.checkout('stable/1');
  const carry = (f: string, message: string, author?: { name: string; email: string }) =>
    repo.commit(message, { [`${f}.txt`]: lines(10, f).replace(`${f} 5\n`, `${f} five\n`) }, { author });
  const carried = {
    cherryX: carry('a', `Fix a\n\nExplains the fix.\n\n(cherry picked from commit ${fixes.cherryX})\n`),
    kernel: carry('b', `Fix b\n\ncommit ${fixes.kernel.slice(0, 12)} upstream.\n\nExplains the fix.\n`),
    bracket: carry('c', `Fix c\n\n[ Upstream commit ${fixes.bracket} ]\n\nExplains the fix.\n`),
    backportOf: carry('d', `Backport of ${fixes.backportOf.slice(0, 10)} from main\n`),
    // trailers stripped, message reworded: only the patch is the same
    patchOnly: carry('e', 'Different words for the e fix\n'),
    // same subject and author, but a different change
    weak: repo.commit('Fix f\n', { 'f.txt': lines(10, 'f').replace('f 6\n', 'f six\n') }),
  };
  repo.checkout('main');
  return { repo, base, fixes, carried, onMain };
}

describe('status: the equivalence ladder', () => {
  test('each rung is found and reported with its matching commit', async () => {
    const { repo, base, fixes, carried } = ladderRepo();
    const r = await status({
      repo: repo.dir,
      commits: [base, ...Object.values(fixes)],
      branches: ['stable/1'],
    });
    const by = new Map(r.entries.map((e) => [e.commit, e]));
    assert.deepEqual(by.get(base), {
      commit: base,
      branch: 'stable/1',
      state: 'present',
      via: 'ancestor',
      match: base,
      weak: false,
    });
    for (const k of ['cherryX', 'kernel', 'bracket', 'backportOf'] as const) {
      assert.equal(by.get(fixes[k])!.via, 'provenance', k);
      assert.equal(by.get(fixes[k])!.match, carried[k], k);
    }
    assert.equal(by.get(fixes.patchOnly)!.via, 'patch-id');
    assert.equal(by.get(fixes.patchOnly)!.match, carried.patchOnly);
    assert.deepEqual(by.get(fixes.weak), {
      commit: fixes.weak,
      branch: 'stable/1',
      state: 'present',
      via: 'subject-author',
      match: carried.weak,
      weak: true,
    });
    assert.deepEqual(by.get(fixes.missing), {
      commit: fixes.missing,
      branch: 'stable/1',
      state: 'missing',
      via: null,
      match: null,
      weak: false,
    });
    assert.deepEqual(
      r.commits.map((c) => c.subject),
      ['base', 'Fix a', 'Fix b', 'Fix c', 'Fix d', 'Fix e', 'Fix f', 'Fix g'],
    );
  });

  test('lowest: patch-id leaves weak matches out', async () => {
    const { repo, fixes } = ladderRepo();
    const r = await status({
      repo: repo.dir,
      commits: [fixes.weak],
      branches: ['stable/1'],
      lowest: 'patch-id',
    });
    assert.equal(r.entries[0]!.state, 'missing');
  });

  test('a backport that was reverted on the branch does not count', async () => {
    const { repo, fixes, carried } = ladderRepo();
    repo.checkout('stable/1');
    repo.git(['revert', '--no-edit', carried.cherryX]);
    repo.checkout('main');
    const r = await status({ repo: repo.dir, commits: [fixes.cherryX], branches: ['stable/1'] });
    assert.equal(r.entries[0]!.state, 'missing');
  });

  test('many branches at once; patch-ids are cached on disk by commit id', async () => {
    const { repo, fixes } = ladderRepo();
    repo.git(['branch', 'stable/0', 'stable/1~3']);
    const r = await status({
      repo: repo.dir,
      commits: Object.values(fixes),
      branches: ['stable/1', 'stable/0', 'main'],
    });
    assert.equal(r.entries.length, Object.values(fixes).length * 3);
    assert.ok(r.entries.filter((e) => e.branch === 'main').every((e) => e.via === 'ancestor'));
    const cache = repo.git(['rev-parse', '--git-path', 'ferry/patch-ids.v1']);
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(`${repo.dir}/${cache}`, 'utf8');
    assert.match(text, new RegExp(`^${fixes.patchOnly} [0-9a-f]{40}$`, 'm'));
  });

  test('bad input: unknown branch, option look-alike, not a repository', async () => {
    const { repo, fixes } = ladderRepo();
    await assert.rejects(
      status({ repo: repo.dir, commits: [fixes.missing], branches: ['nope'] }),
      /branch 'nope' is neither/,
    );
    await assert.rejects(
      status({ repo: repo.dir, commits: ['--all'], branches: ['main'] }),
      /starts with '-'/,
    );
    const { tempDir } = await import('../helpers/git-fixture.js');
    await assert.rejects(
      status({ repo: tempDir(), commits: ['HEAD'], branches: ['main'] }),
      /not a git repository/,
    );
  });
});

test('status: a backport asked about is present where the commit it came from is named', async () => {
  const repo = createRepo();
  repo.commit('base', { 'a.txt': '1\n2\n3\n' });
  repo.git(['branch', 'stable/1']);
  repo.git(['branch', 'stable/2']);
  const fix = repo.commit('Fix', { 'a.txt': '1\ntwo\n3\n' });
  repo.checkout('stable/2');
  const onTwo = repo.cherryPick(fix);
  repo.checkout('stable/1');
  const onOne = repo.cherryPick(fix);
  repo.checkout('main');
  const r = await status({ repo: repo.dir, commits: [onTwo], branches: ['stable/1'] });
  assert.deepEqual(
    r.entries.map((e) => [e.state, e.via, e.match]),
    [['present', 'provenance', onOne]],
  );
});
