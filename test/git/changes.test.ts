import assert from 'node:assert/strict';
import { symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readChanges } from '../../src/git/changes.js';
import { Repo } from '../../src/git/repo.js';
import { createRepo } from '../helpers/git-fixture.js';

test('readChanges reads files, statuses and lines of many commits, in the order given', async () => {
  const fx = createRepo();
  const root = fx.commit('root', {
    'nova/compute/manager.py': 'import os\n\ndef a():\n    return 1\n',
    'old name.txt': 'one\ntwo\nthree\nfour\nfive\n',
    'gone.txt': 'bye\n',
    'bin.dat': 'a\0b',
  });
  const second = fx.commit(
    'second',
    {
      'nova/compute/manager.py': 'import os\n\ndef a():\n    return 2\n',
      'new "name"\t.txt': 'one\ntwo\nthree\nfour\nfive\nsix\n',
      'ü/naïve.txt': 'x\n',
      'bin.dat': 'a\0c',
    },
    { rename: [['old name.txt', 'new "name"\t.txt']], remove: ['gone.txt'] },
  );
  const repo = await Repo.open(fx.dir);
  const [a, b, again] = await readChanges(repo, [second, root, second]);
  assert.equal(a!.oid, second);
  assert.equal(b!.oid, root);
  assert.deepEqual(again, a);

  const byPath = new Map(a!.files.map((f) => [f.path, f]));
  assert.deepEqual(byPath.get('nova/compute/manager.py'), {
    status: 'M',
    path: 'nova/compute/manager.py',
    oldPath: null,
    added: ['    return 2'],
    removed: ['    return 1'],
    binary: false,
  });
  const renamed = byPath.get('new "name"\t.txt')!;
  assert.equal(renamed.status, 'R');
  assert.equal(renamed.oldPath, 'old name.txt');
  assert.deepEqual(renamed.added, ['six']);
  assert.deepEqual(byPath.get('gone.txt')?.status, 'D');
  assert.deepEqual(byPath.get('gone.txt')?.removed, ['bye']);
  assert.deepEqual(byPath.get('ü/naïve.txt')?.added, ['x']);
  assert.equal(byPath.get('ü/naïve.txt')?.status, 'A');
  assert.equal(byPath.get('bin.dat')?.binary, true);
  assert.deepEqual(byPath.get('bin.dat')?.added, []);

  // The root commit is diffed against nothing: every line is added.
  assert.deepEqual(
    b!.files.map((f) => [f.status, f.path]),
    [
      ['A', 'bin.dat'],
      ['A', 'gone.txt'],
      ['A', 'nova/compute/manager.py'],
      ['A', 'old name.txt'],
    ],
  );
  assert.equal(b!.files.find((f) => f.path === 'old name.txt')?.added.length, 5);
});

test('lines that look like patch headers, missing final newlines and type changes are read as content', async () => {
  const fx = createRepo();
  fx.commit('base', { 'a.txt': 'keep\n-- old\n', link: 'target\n' });
  unlinkSync(path.join(fx.dir, 'link'));
  symlinkSync('a.txt', path.join(fx.dir, 'link'));
  const c = fx.commit('tricky', { 'a.txt': 'keep\n++ new\n--- also\nno newline' });
  const [r] = await readChanges(await Repo.open(fx.dir), [c]);
  const a = r!.files.find((f) => f.path === 'a.txt')!;
  assert.deepEqual(a.added, ['++ new', '--- also', 'no newline']);
  assert.deepEqual(a.removed, ['-- old']);
  const link = r!.files.find((f) => f.path === 'link')!;
  assert.equal(link.status, 'T');
  assert.deepEqual(link.removed, ['target']);
  assert.deepEqual(link.added, ['a.txt']);
});

test('a merge is read against its first parent; an empty commit has no files', async () => {
  const fx = createRepo();
  fx.commit('base', { 'a.txt': 'a\n' });
  fx.checkout('side', { from: 'main' });
  fx.commit('side work', { 'side.txt': 's\n' });
  fx.checkout('main');
  fx.commit('main work', { 'main.txt': 'm\n' });
  fx.git(['merge', '-q', '--no-edit', 'side']);
  const merge = fx.head();
  const empty = fx.commit('nothing', {}, { allowEmpty: true });
  const [m, e] = await readChanges(await Repo.open(fx.dir), [merge, empty]);
  assert.deepEqual(
    m!.files.map((f) => f.path),
    ['side.txt'],
  );
  assert.deepEqual(e!.files, []);
});

test('readChanges refuses anything but full commit ids', async () => {
  const fx = createRepo();
  const c = fx.commit('one', { 'a.txt': 'a\n' });
  await assert.rejects(readChanges(await Repo.open(fx.dir), [c.slice(0, 12)]), /not a full commit id/);
});
