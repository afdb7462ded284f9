import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseAnnouncements } from '../../src/sources/cve/parse.js';
import { readInbox } from '../../src/sources/cve/read-inbox.js';
import { tempDir } from '../helpers/git-fixture.js';
import { asDelivered, createInbox, LIST, PUBLIC_INBOX_SKIP } from '../helpers/public-inbox.js';

/**
 * A real public-inbox v2 archive, made and fed by Debian's public-inbox tools, read by Ferry
 * straight from its git epochs. Skipped, with the way to install it, when the tools are absent.
 */

const SKIP = PUBLIC_INBOX_SKIP;

test('public-inbox v2: read from the git epochs, then only the mail delivered since', {
  skip: SKIP,
}, async () => {
  const inbox = createInbox();
  const first = ['CVE-2020-36781', 'CVE-2021-46921', 'CVE-2024-50022'];
  for (const id of first) inbox.deliver(asDelivered(id));

  const r1 = await readInbox(inbox.dir);
  assert.equal(r1.messages.length, 3);
  assert.deepEqual(Object.keys(r1.cursor.epochs), ['0']);
  const b1 = parseAnnouncements(r1.messages);
  assert.deepEqual(
    b1.announcements.map((a) => a.announcement.cve),
    first,
  );
  assert.equal(b1.errors.length, 0);
  // Non-ASCII survives public-inbox and git unchanged.
  assert.match(b1.announcements[1]!.announcement.description, /isn’t ordered/);
  assert.equal(b1.announcements[0]!.announcement.message_id, '<2024-CVE-2020-36781-0000@gregkh>');

  const second = ['CVE-2025-21818', 'CVE-2022-48993'];
  for (const id of second) inbox.deliver(asDelivered(id, 'rejected'));
  inbox.deliver(
    [
      'From: Someone <someone@example.org>',
      `To: ${LIST}`,
      'Subject: question about CVE numbering',
      'Message-ID: <q1@example.org>',
      'Date: Tue, 2 Jan 2024 00:00:00 +0000',
      '',
      'Who assigns these?',
      '',
    ].join('\n'),
  );

  const r2 = await readInbox(inbox.dir, { cursor: r1.cursor });
  assert.equal(r2.messages.length, 3, 'only the three new messages');
  const b2 = parseAnnouncements(r2.messages);
  assert.deepEqual(
    b2.announcements.map((a) => a.announcement.cve),
    second,
  );
  assert.equal(b2.errors.length, 1);
  assert.match(b2.errors[0]!.message, /inbox epoch 0 commit [0-9a-f]{12}: not a CVE announcement: no CVE id/);
  assert.equal(b2.errors[0]!.origin.commit, r2.cursor.epochs['0']);

  const r3 = await readInbox(inbox.dir, { cursor: r2.cursor });
  assert.equal(r3.messages.length, 0, 'nothing new');
  assert.deepEqual(r3.cursor, r2.cursor);

  // A limit reads the oldest new messages first and moves the cursor only past them.
  const r4 = await readInbox(inbox.dir, { cursor: r1.cursor, limit: 2 });
  assert.deepEqual(
    parseAnnouncements(r4.messages).announcements.map((a) => a.announcement.cve),
    second,
  );
  const r5 = await readInbox(inbox.dir, { cursor: r4.cursor });
  assert.equal(r5.messages.length, 1);
});

test('public-inbox-purge rewrites an epoch: the reader notices and reads it again', {
  skip: SKIP,
}, async () => {
  const inbox = createInbox();
  inbox.deliver(asDelivered('CVE-2020-36781'));
  const spam = asDelivered('CVE-2021-46921');
  inbox.deliver(spam);
  const before = await readInbox(inbox.dir);
  assert.equal(before.messages.length, 2);

  inbox.purge(spam);
  const after = await readInbox(inbox.dir, { cursor: before.cursor });
  assert.deepEqual(after.rewritten, [0]);
  assert.equal(after.removed, 1, 'the purged message is gone from the history');
  assert.deepEqual(
    parseAnnouncements(after.messages).announcements.map((a) => a.announcement.cve),
    ['CVE-2020-36781'],
  );
  assert.notEqual(after.cursor.epochs['0'], before.cursor.epochs['0']);
});

test('a directory that is not a v2 inbox is refused by name', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'x'), '');
  await assert.rejects(readInbox(dir), (e: Error & { exitCode?: number }) => {
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /is not a public-inbox v2 archive \(expected .*git\/0\.git\)/);
    return true;
  });
});

/** A v2 layout made with git itself: epochs as public-inbox writes them (one `m` per commit). */
function epochWith(inbox: string, epoch: number, messages: string[]): void {
  const dir = path.join(inbox, 'git', `${epoch}.git`);
  execFileSync('git', ['init', '-q', '--bare', '-b', 'master', dir]);
  const stream = messages
    .map(
      (m, i) =>
        `commit refs/heads/master\ncommitter list <list@example.invalid> ${1_700_000_000 + i} +0000\ndata 1\nx\nM 100644 inline m\ndata ${Buffer.byteLength(m)}\n${m}\n`,
    )
    .join('');
  execFileSync('git', ['-C', dir, 'fast-import', '--quiet'], { input: stream });
}

test('epochs are read in order, and a new epoch after a full one is read from its start', async () => {
  const inbox = tempDir('ferry-epochs-');
  epochWith(inbox, 0, [asDelivered('CVE-2020-36781'), asDelivered('CVE-2021-46921')]);
  const r1 = await readInbox(inbox);
  assert.equal(r1.messages.length, 2);
  epochWith(inbox, 1, [asDelivered('CVE-2024-50022')]);
  epochWith(inbox, 10, [asDelivered('CVE-2024-56695')]);
  const r2 = await readInbox(inbox, { cursor: r1.cursor });
  assert.deepEqual(
    r2.messages.map((m) => m.origin.epoch),
    [1, 10],
    'numeric order, not text order (10 after 1, not before 2)',
  );
  assert.deepEqual(Object.keys(r2.cursor.epochs), ['0', '1', '10']);
  assert.equal(r2.cursor.epochs['0'], r1.cursor.epochs['0']);
  assert.deepEqual(
    parseAnnouncements(r2.messages).announcements.map((a) => a.announcement.cve),
    ['CVE-2024-50022', 'CVE-2024-56695'],
  );
});
