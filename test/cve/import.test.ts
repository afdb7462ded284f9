import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { builtinRequestStore, type StoredRequest } from '../../src/store/builtin-issues.js';
import { getCursor, putCursor } from '../../src/store/cursors.js';
import { openStore } from '../../src/store/open.js';
import { listJobs } from '../../src/store/queue.js';
import { listRequests } from '../../src/store/requests.js';
import { BACKPORT_JOB } from '../../src/workflows/backport-on-request.js';
import { inboxCursorKey } from '../../src/workflows/cve-intake.js';
import { CONFIG, FIRST, ferry, importDir, mainFix, record, rejection } from '../helpers/cve-import.js';
import { asDelivered, createInbox, PUBLIC_INBOX_SKIP } from '../helpers/public-inbox.js';
import { backends, type TestDatabase, testDatabase } from '../helpers/store.js';

/**
 * `ferry cve import` carrying its actions out on the built-in tracker, in a real store (PGlite,
 * and PostgreSQL when DATABASE_URL is set), from real announcements of the CVE team.
 */

interface Reported {
  cve: string;
  stream: string;
  key: string;
}
const pairs = (list: Reported[]) => list.map((r) => `${r.cve} ${r.stream} ${r.key}`);

async function inStore<T>(db: TestDatabase, fn: (s: Awaited<ReturnType<typeof openStore>>) => Promise<T>) {
  const store = await openStore(db.open);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

for (const backend of backends()) {
  test(`ferry cve import on the built-in tracker [${backend}]: one request per affected stream; again: nothing; a later record updates; REJECTED closes`, async () => {
    const db = await testDatabase(backend);
    const dir = importDir();
    writeFileSync(path.join(dir, 'first.mbox'), FIRST.map((id) => record(id)).join('\n'));

    // 1. The first import files one request per affected stream.
    const first = await ferry(dir, db, ['cve', 'import', '--mbox', 'first.mbox', '--json']);
    assert.equal(first.code, 0, first.stderr);
    const out = JSON.parse(first.stdout);
    assert.equal(out.dry_run, false);
    assert.equal(out.tracker, 'builtin');
    assert.deepEqual(pairs(out.created), [
      'CVE-2020-36781 lts-5.10 REQ-1',
      'CVE-2020-36781 lts-5.8 REQ-2',
      'CVE-2022-50394 rhel-9.6 REQ-3',
      'CVE-2022-50394 lts-5.10 REQ-4',
      'CVE-2022-50394 lts-5.8 REQ-5',
    ]);
    assert.deepEqual([out.updated, out.closed], [[], []]);
    assert.deepEqual(
      out.cves[0].actions.map((a: { kind: string; key: string }) => `${a.kind} ${a.key}`),
      ['create REQ-1', 'create REQ-2'],
    );
    assert.deepEqual(out.cves[2].actions, [], 'nvme-tcp came in 6.1: no stream is affected');

    const requests = await inStore(db, (s) => builtinRequestStore(s.db).list({ limit: 100 }));
    const byKey = new Map(requests.map((r) => [r.key, r]));
    assert.equal(requests.length, 5);
    const ismt510 = byKey.get('REQ-4')!;
    assert.equal(
      ismt510.title,
      'CVE-2022-50394: i2c: ismt: Fix an out-of-bounds bug in ismt_access() [lts-5.10]',
    );
    assert.equal(ismt510.status, 'New');
    assert.deepEqual(ismt510.labels, ['CVE-2022-50394', 'ferry-cve:lts-5.10']);
    assert.deepEqual(ismt510.fixVersions, ['lts-5.10']);
    assert.deepEqual(
      ismt510.commitHashLines,
      [mainFix('CVE-2022-50394')],
      'the mainline fix, as .sha1 has it',
    );
    assert.match(ismt510.body, /^- component: kernel \/ i2c$/m);
    assert.match(ismt510.body, /^- assignee: ismt@example\.org$/m, 'the ownership rule names the assignee');
    assert.match(
      ismt510.body,
      /^- severity: HIGH 7\.8 \(CVSS:3\.1\/AV:L\/AC:L\/PR:L\/UI:N\/S:U\/C:H\/I:H\/A:H\)$/m,
    );
    assert.match(ismt510.body, /^- update to: 5\.10\.163$/m);
    assert.match(ismt510.body, /^CVE-2022-50394 on lts-5\.10: affected: introduced in 3\.9/m);
    assert.deepEqual(byKey.get('REQ-3')!.fixVersions, ['9.6.z'], "the stream's own Fix Version");
    const imx58 = byKey.get('REQ-2')!;
    assert.deepEqual(imx58.commitHashLines, [mainFix('CVE-2020-36781')]);
    assert.match(imx58.body, /^- assignee: ola@example\.org$/m, 'MAINTAINERS names the assignee');
    assert.match(imx58.body, /^- severity: none given$/m);
    assert.match(imx58.body, /^- plan: backport$/m);

    // What Ferry wrote is kept beside the tracker's issue.
    const rows = await inStore(db, (s) => listRequests(s.db, { tracker: 'builtin' }));
    assert.equal(rows.length, 5);
    const row = rows.find((r) => r.trackerKey === 'REQ-4')!;
    assert.equal(row.stream, 'lts-5.10');
    assert.equal(row.repository, 'upstream');
    assert.equal(row.requestedBy, 'cve-intake');
    assert.deepEqual(row.commits, [mainFix('CVE-2022-50394')]);
    const kept = (row.detail.cve as { written: Record<string, unknown> }).written;
    assert.equal(kept.assignee, 'ismt@example.org');
    assert.deepEqual(kept.severity, {
      cvss_version: '3.1',
      score: 7.8,
      rating: 'HIGH',
      vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
    });

    // The built-in tracker has no webhooks: each new request got the backport job a tracker's
    // "created" webhook would have made.
    const backportJobs = () =>
      inStore(db, async (s) =>
        (await listJobs(s.db, { kind: BACKPORT_JOB }))
          .map((j) => `${(j.payload as { issue: string }).issue} ${(j.payload as { actor: string }).actor}`)
          .sort(),
      );
    assert.deepEqual(
      await backportJobs(),
      [1, 2, 3, 4, 5].map((n) => `REQ-${n} cve-intake`),
    );

    // 2. The same mail again changes nothing: no request, no comment, not a field.
    const snapshot = async () =>
      inStore(db, async (s) => {
        const store = builtinRequestStore(s.db);
        const all = await store.list({ limit: 100 });
        return Promise.all(
          all.map(async (r: StoredRequest) => ({ ...r, comments: (await store.comments(r.key)).length })),
        );
      });
    const before = await snapshot();
    const again = await ferry(dir, db, ['cve', 'import', '--mbox', 'first.mbox', '--json']);
    assert.equal(again.code, 0, again.stderr);
    const out2 = JSON.parse(again.stdout);
    assert.deepEqual([out2.created, out2.updated, out2.closed], [[], [], []]);
    assert.ok(out2.cves.every((c: { actions: unknown[] }) => c.actions.length === 0));
    assert.deepEqual(await snapshot(), before);
    assert.equal((await backportJobs()).length, 5, 'and no second job');
    const human = await ferry(dir, db, ['cve', 'import', '--mbox', 'first.mbox']);
    assert.match(
      human.stdout,
      /3 messages, 3 announcements; tracker 'builtin': 0 created, 0 updated, 0 closed/,
    );
    // A dry run plans against what the tracker holds.
    const dry = await ferry(dir, db, ['cve', 'import', '--mbox', 'first.mbox', '--dry-run']);
    assert.match(dry.stdout, /0 planned tracker actions \(dry run: nothing written\)/);

    // 3. The team's record gained a 5.8 stable fix: lts-5.8 can now update; both get a comment.
    const amended = record('CVE-2020-36781').replace(
      /(\tIssue introduced in 5\.7 with commit 3a5ee18d2a32bda6b9a1260136f6805848e3839d and fixed in 5\.10\.37)/,
      '\tIssue introduced in 5.7 with commit 3a5ee18d2a32bda6b9a1260136f6805848e3839d and fixed in 5.8.18 with commit 0123456789abcdef0123456789abcdef01234567\n$1',
    );
    writeFileSync(path.join(dir, 'amended.mbox'), amended);
    const upd = await ferry(dir, db, ['cve', 'import', '--mbox', 'amended.mbox', '--json']);
    assert.equal(upd.code, 0, upd.stderr);
    const out3 = JSON.parse(upd.stdout);
    assert.deepEqual(pairs(out3.updated), ['CVE-2020-36781 lts-5.10 REQ-1', 'CVE-2020-36781 lts-5.8 REQ-2']);
    const comments = await inStore(db, (s) => builtinRequestStore(s.db).comments('REQ-2'));
    assert.equal(comments.length, 1);
    assert.match(comments[0]!.body, /^- plan: update-or-backport$/m);
    assert.match(comments[0]!.body, /^- update to: 5\.8\.18$/m);
    assert.match(comments[0]!.marker!, /^ferry:cve:CVE-2020-36781:update-1:[0-9a-f]{12}$/);
    const upd2 = await ferry(dir, db, ['cve', 'import', '--mbox', 'amended.mbox', '--json']);
    assert.deepEqual(JSON.parse(upd2.stdout).updated, [], 'the update is not repeated');

    // 4. REJECTED: the CVE's requests are closed with a note; nothing is opened.
    const subject = 'i2c: ismt: Fix an out-of-bounds bug in ismt_access()';
    writeFileSync(path.join(dir, 'rejected.mbox'), rejection('CVE-2022-50394', subject));
    const rej = await ferry(dir, db, ['cve', 'import', '--mbox', 'rejected.mbox', '--json']);
    assert.equal(rej.code, 0, rej.stderr);
    const out4 = JSON.parse(rej.stdout);
    assert.deepEqual(pairs(out4.closed), [
      'CVE-2022-50394 rhel-9.6 REQ-3',
      'CVE-2022-50394 lts-5.10 REQ-4',
      'CVE-2022-50394 lts-5.8 REQ-5',
    ]);
    assert.deepEqual([out4.created, out4.updated], [[], []]);
    const after = await snapshot();
    for (const key of ['REQ-3', 'REQ-4', 'REQ-5']) {
      const r = after.find((x) => x.key === key)!;
      assert.equal(r.status, 'Closed', key);
      assert.equal(r.comments, 1, key);
    }
    for (const key of ['REQ-1', 'REQ-2']) assert.equal(after.find((x) => x.key === key)!.status, 'New');
    const note = await inStore(db, (s) => builtinRequestStore(s.db).comments('REQ-4'));
    assert.match(note[0]!.body, /^CVE-2022-50394 was rejected by the Linux kernel CVE team/);
    assert.equal(note[0]!.marker, 'ferry:cve:CVE-2022-50394:rejected');
    const closedRows = await inStore(db, (s) => listRequests(s.db, { tracker: 'builtin', state: 'closed' }));
    assert.deepEqual(closedRows.map((r) => r.trackerKey).sort(), ['REQ-3', 'REQ-4', 'REQ-5']);

    // 5. The notice again, and the rejected CVE's announcement again: closed stays closed, nothing new.
    writeFileSync(path.join(dir, 'ismt.mbox'), record('CVE-2022-50394'));
    const settled = await snapshot();
    for (const file of ['rejected.mbox', 'ismt.mbox', 'amended.mbox']) {
      const r = await ferry(dir, db, ['cve', 'import', '--mbox', file, '--json']);
      const o = JSON.parse(r.stdout);
      assert.deepEqual([o.created, o.updated, o.closed], [[], [], []], file);
    }
    assert.deepEqual(await snapshot(), settled);
  });
}

test('ferry cve import: an unknown cve.tracker is bad configuration (exit 2), a dry run with no store makes none', async () => {
  const dir = importDir();
  writeFileSync(path.join(dir, 'in.mbox'), record('CVE-2020-36781'));
  const db: TestDatabase = { backend: 'pglite', open: {}, env: { DATABASE_URL: '', FERRY_DATA: 'state' } };
  writeFileSync(path.join(dir, 'bad.yaml'), `${CONFIG}  tracker: rhel\n`);
  const bad = await ferry(dir, db, ['cve', 'import', '--mbox', 'in.mbox', '--config', 'bad.yaml']);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /bad\.yaml:\d+:\d+: cve\.tracker: names 'rhel', which is not a configured tracker/,
  );
  const dry = await ferry(dir, db, ['cve', 'import', '--mbox', 'in.mbox', '--dry-run', '--json']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.doesNotMatch(dry.stderr, /store/);
  assert.equal(existsSync(path.join(dir, 'state')), false, 'a dry run makes no store');
  assert.equal(JSON.parse(dry.stdout).tracker, null);
});

for (const backend of backends()) {
  test(`ferry cve import --inbox [${backend}]: the cursor is in the store and moves only once every action was carried out`, {
    skip: PUBLIC_INBOX_SKIP,
  }, async () => {
    const db = await testDatabase(backend);
    const inbox = createInbox();
    for (const id of FIRST.slice(0, 2)) inbox.deliver(asDelivered(id));
    const dir = importDir();
    writeFileSync(path.join(dir, 'ferry.yaml'), `${CONFIG}  inbox: ${inbox.dir}\n`);
    const cursorKey = inboxCursorKey(inbox.dir);

    // The tracker fails half-way: the store refuses the fourth request, as a tracker that went down would.
    await inStore(db, async (s) => {
      await s.db.execute(
        sql.raw(`CREATE FUNCTION ferry_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.title LIKE 'CVE-2022-50394:%[lts-5.10]' THEN RAISE EXCEPTION 'the tracker is down'; END IF;
            RETURN NEW;
          END $$`),
      );
      await s.db.execute(
        sql.raw(
          'CREATE TRIGGER ferry_test_refuse BEFORE INSERT ON builtin_issues FOR EACH ROW EXECUTE FUNCTION ferry_test_refuse()',
        ),
      );
    });
    const failed = await ferry(dir, db, ['cve', 'import', '--json']);
    assert.equal(failed.code, 3, failed.stderr);
    assert.match(
      failed.stderr,
      /stopped after 3 tracker actions; the inbox cursor did not move, so running the same import again completes the work/,
    );
    // The database's own answer, not pages of SQL and parameters.
    assert.match(
      failed.stderr,
      /ferry cve: the store refused 'insert into "builtin_issues" …': the tracker is down\n$/,
    );
    assert.doesNotMatch(failed.stderr, /params:/);
    assert.deepEqual(await inStore(db, (s) => getCursor(s.db, cursorKey)), undefined);
    const keys = async () =>
      (await inStore(db, (s) => builtinRequestStore(s.db).list({ limit: 100 }))).map((r) => r.key).sort();
    assert.deepEqual(await keys(), ['REQ-1', 'REQ-2', 'REQ-3']);

    // The tracker is back: the same messages again; what was done is not done twice.
    await inStore(db, (s) => s.db.execute(sql.raw('DROP TRIGGER ferry_test_refuse ON builtin_issues')));
    const resumed = await ferry(dir, db, ['cve', 'import', '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const out = JSON.parse(resumed.stdout);
    assert.equal(out.messages, 2);
    assert.deepEqual(pairs(out.created), ['CVE-2022-50394 lts-5.10 REQ-4', 'CVE-2022-50394 lts-5.8 REQ-5']);
    assert.deepEqual([out.updated, out.closed], [[], []]);
    assert.deepEqual(await keys(), ['REQ-1', 'REQ-2', 'REQ-3', 'REQ-4', 'REQ-5']);
    assert.match(out.cursor.epochs['0'], /^[0-9a-f]{40}$/);
    assert.deepEqual(await inStore(db, (s) => getCursor(s.db, cursorKey)), out.cursor);

    const idle = JSON.parse((await ferry(dir, db, ['cve', 'import', '--json'])).stdout);
    assert.equal(idle.messages, 0, 'only what arrived after the cursor is read');

    // The REJECTED notice arrives on the list: only it is read, and it closes the CVE's requests.
    const notice = rejection('CVE-2022-50394', 'i2c: ismt: Fix an out-of-bounds bug in ismt_access()');
    inbox.deliver(asDelivered('CVE-2022-50394', undefined, notice));
    const rej = JSON.parse((await ferry(dir, db, ['cve', 'import', '--json'])).stdout);
    assert.equal(rej.messages, 1);
    assert.deepEqual(pairs(rej.closed), [
      'CVE-2022-50394 rhel-9.6 REQ-3',
      'CVE-2022-50394 lts-5.10 REQ-4',
      'CVE-2022-50394 lts-5.8 REQ-5',
    ]);
    assert.notEqual(rej.cursor.epochs['0'], out.cursor.epochs['0']);
    assert.deepEqual(await inStore(db, (s) => getCursor(s.db, cursorKey)), rej.cursor);

    // --from-start reads everything again and changes nothing.
    const all = JSON.parse((await ferry(dir, db, ['cve', 'import', '--from-start', '--json'])).stdout);
    assert.equal(all.messages, 3);
    assert.deepEqual([all.created, all.updated, all.closed], [[], [], []]);

    // A damaged cursor in the store is bad input, named, and nothing is read.
    await inStore(db, (s) => putCursor(s.db, cursorKey, { epochs: { '0': 'HEAD' } }));
    const damaged = await ferry(dir, db, ['cve', 'import']);
    assert.equal(damaged.code, 2);
    assert.match(
      damaged.stderr,
      /inbox cursor in the store's cursor cve-inbox:\/.*: epoch '0' → 'HEAD' is not a commit id/,
    );
  });
}
