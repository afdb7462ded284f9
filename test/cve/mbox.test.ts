import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseAnnouncement } from '../../src/sources/cve/parse.js';
import { readMboxDirectory, readMboxFile, readMboxPaths } from '../../src/sources/cve/read-mbox.js';
import { splitMbox } from '../../src/sources/mail/mbox.js';
import { tempDir } from '../helpers/git-fixture.js';
import { KERNEL_CVES } from '../helpers/shared-data.js';

const DATA = KERNEL_CVES;
const published = path.join(DATA, 'published');

test('all records concatenated into one mbox split back into the same messages', () => {
  const files = readdirSync(published)
    .filter((f) => f.endsWith('.mbox'))
    .sort();
  const raws = files.map((f) => readFileSync(path.join(published, f)));
  // Two of them hold unescaped body lines starting with "From " after a blank line.
  assert.ok(raws.some((r) => r.includes("\n\nFrom the user's perspective")));
  const mbox = Buffer.concat(raws.flatMap((r) => [r, Buffer.from('\n')]));
  const messages = splitMbox(mbox);
  assert.equal(messages.length, files.length);
  messages.forEach((m, i) => {
    assert.deepEqual(parseAnnouncement(m), parseAnnouncement(raws[i]!), files[i]);
  });
});

test('mboxrd: >From lines lose one >, and a From_ line needs its date', () => {
  const mbox = [
    'From mboxrd@z Thu Jan  1 00:00:00 1970',
    'Subject: one',
    '',
    '>From the start of time',
    '>>From quoted twice',
    'From here on, no date: not a separator',
    '',
    'From bippy-1.2.0 Mon Sep 17 00:00:00 2001',
    'Subject: two',
    '',
    'body two',
    '',
  ].join('\n');
  const [one, two, ...rest] = splitMbox(Buffer.from(mbox));
  assert.equal(rest.length, 0);
  assert.equal(
    one!.toString(),
    'Subject: one\n\nFrom the start of time\n>From quoted twice\nFrom here on, no date: not a separator\n',
  );
  assert.equal(two!.toString(), 'Subject: two\n\nbody two\n');
});

test('CRLF mboxes and a lone message without a From_ line', () => {
  const crlf =
    'From a@b Mon Sep 17 00:00:00 2001\r\nSubject: x\r\n\r\nbody\r\n\r\nFrom a@b Mon Sep 17 00:00:00 2001\r\nSubject: y\r\n\r\nbody\r\n';
  assert.deepEqual(
    splitMbox(Buffer.from(crlf)).map((b) => b.toString()),
    ['Subject: x\r\n\r\nbody\r\n', 'Subject: y\r\n\r\nbody\r\n'],
  );
  assert.deepEqual(
    splitMbox(Buffer.from('Subject: z\n\nbody\n')).map((b) => b.toString()),
    ['Subject: z\n\nbody\n'],
  );
  assert.deepEqual(splitMbox(Buffer.from('\n\n')), []);
});

test('readers: a file, a directory of .mbox files, paths as given; a missing path is bad input', async () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'sub'));
  mkdirSync(path.join(dir, '.hidden'));
  const a = readFileSync(path.join(published, 'CVE-2020-36781.mbox'));
  const b = readFileSync(path.join(published, 'CVE-2021-46921.mbox'));
  writeFileSync(path.join(dir, 'two.mbox'), Buffer.concat([a, Buffer.from('\n'), b]));
  writeFileSync(path.join(dir, 'sub', 'one.mbox'), b);
  writeFileSync(path.join(dir, '.hidden', 'x.mbox'), a);
  writeFileSync(path.join(dir, 'notes.txt'), 'not mail');

  const file = await readMboxFile(path.join(dir, 'two.mbox'));
  assert.deepEqual(
    file.map((m) => m.origin),
    [
      { source: path.join(dir, 'two.mbox'), index: 0 },
      { source: path.join(dir, 'two.mbox'), index: 1 },
    ],
  );
  const all = await readMboxDirectory(dir);
  assert.deepEqual(
    all.map((m) => `${path.relative(dir, m.origin.source)}#${m.origin.index}`),
    ['sub/one.mbox#0', 'two.mbox#0', 'two.mbox#1'],
  );
  const given = await readMboxPaths([path.join(dir, 'sub', 'one.mbox'), dir]);
  assert.equal(given.length, 4);
  await assert.rejects(readMboxPaths([path.join(dir, 'nope')]), (e: Error & { exitCode?: number }) => {
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /nope' does not exist; expected an mbox file or a directory/);
    return true;
  });
});
