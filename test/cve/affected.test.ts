import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  assessStreams,
  type CommitOnBranch,
  commitsToCheck,
  decideStream,
  type StreamTarget,
} from '../../src/sources/cve/affected.js';
import { type CveAnnouncement, parseAnnouncement } from '../../src/sources/cve/parse.js';
import { KERNEL_CVES } from '../helpers/shared-data.js';

/**
 * Affected-stream decisions on real announcements, with the ladder's answers given as data.
 * (The same decisions on real repositories, with the engine's ladder, are in affected-ladder.)
 */

const DATA = KERNEL_CVES;
const cve = (id: string, dir = 'published'): CveAnnouncement =>
  parseAnnouncement(readFileSync(path.join(DATA, dir, `${id}.mbox`)));

const stream = (based_on: string | null, name = `s-${based_on}`): StreamTarget => ({
  name,
  branch: `b-${name}`,
  based_on,
});

// CVE-2020-36781: introduced in 5.7 (3a5ee18d2a32); fixed in 5.10.37, 5.11.21, 5.12.4 and mainline 5.13.
const imx = cve('CVE-2020-36781');
// CVE-2025-21818: introduced 6.13 (mainline) and by stable backports in 6.1.121, 6.6.67, 6.12.6,
// 5.10.232 and 5.15.175; fixed in 6.1.129, 6.6.78, 6.12.14, 6.13.3 and mainline 6.14-rc2; 5.10 and 5.15 unfixed.
const xen = cve('CVE-2025-21818', 'rejected');
// CVE-2022-48993: "Fixed in" only (no known start): 4.19.269 ... 6.0.13 and mainline 6.1.
const fbcon = cve('CVE-2022-48993', 'rejected');

const on = (
  commit: string,
  state: CommitOnBranch['state'],
  extra: Partial<CommitOnBranch> = {},
): CommitOnBranch => ({
  commit,
  branch: 'b-s',
  state,
  via: state === 'present' ? 'provenance' : null,
  match: state === 'present' ? 'abcdef0123456789abcdef0123456789abcdef01' : null,
  weak: false,
  ...extra,
});

/** By default the ladder ran and found none of the commits on the branch. */
const decide = (c: CveAnnouncement, based_on: string | null, found?: CommitOnBranch[]) =>
  decideStream(c, stream(based_on, 's'), [
    ...(found ?? []),
    ...commitsToCheck(c).map((x) => on(x, 'missing')),
  ]);

test('not affected: fixed by a release the base already includes', () => {
  const d = decide(imx, '5.14');
  assert.equal(d.verdict, 'not-affected');
  assert.equal(d.plan, 'none');
  assert.equal(
    d.reason,
    'not affected: fixed in 5.13 (47ff617217ca), which 5.14, the base of s already includes',
  );
  assert.equal(
    decide(imx, '5.10.40').reason,
    'not affected: fixed in 5.10.37 (3a0cdd336d92), which 5.10.40, the base of s already includes',
  );
  assert.equal(decide(fbcon, '4.19.300').verdict, 'not-affected');
  assert.equal(decide(xen, '6.14-rc3').verdict, 'not-affected', 'fixed in 6.14-rc2, before 6.14-rc3');
});

test('not affected: introduced after the base', () => {
  const d = decide(imx, '5.4');
  assert.equal(d.verdict, 'not-affected');
  assert.match(d.reason, /^not affected: introduced in 5\.7 \(3a5ee18d2a32\), after 5\.4, the base of s/);
  assert.match(decide(xen, '5.14').reason, /introduced in 6\.13 \(b4845bb63838\), after 5\.14/);
  assert.match(decide(xen, '5.15.100').reason, /introduced in 5\.15\.175 \(a501b4dbedb4\), after 5\.15\.100/);
});

test('affected: a newer stable release of the same series carries the fix → update or backport', () => {
  const d = decide(imx, '5.10.20');
  assert.equal(d.verdict, 'affected');
  assert.equal(d.plan, 'update-or-backport');
  assert.equal(d.update_to, '5.10.37');
  assert.deepEqual(d.needs, { commit: '47ff617217ca6a13194fcb35c6c3a0c57c080693', version: '5.13' });
  assert.deepEqual(
    d.alternatives.map((a) => a.version),
    ['5.10.37', '5.12.4', '5.11.21'],
    "the base's own series first, then newest first",
  );
  assert.equal(
    d.reason,
    'affected: introduced in 5.7 (3a5ee18d2a32), not fixed in 5.10.20, the base of s; needs 47ff617217ca (mainline 5.13): update to 5.10.37, or backport',
  );
  assert.equal(decide(xen, '6.1.125').update_to, '6.1.129');
  assert.equal(decide(xen, '6.14-rc1').update_to, '6.14-rc2');
});

test('affected: no release of the series carries the fix → backport', () => {
  const d = decide(imx, '5.8');
  assert.equal(d.plan, 'backport');
  assert.equal(d.update_to, null);
  assert.match(d.reason, /needs 47ff617217ca \(mainline 5\.13\): backport$/);
  // 5.15 got the bug by a stable backport (5.15.175) and never the fix.
  const x = decide(xen, '5.15.180');
  assert.equal(x.verdict, 'affected');
  assert.equal(x.plan, 'backport');
  assert.match(x.reason, /^affected: introduced in 5\.15\.175 \(a501b4dbedb4\), not fixed in 5\.15\.180/);
  assert.equal(x.needs!.commit, '98a5cfd2320966f40fe049a9855f8787f0126825');
  const f = decide(fbcon, '5.14');
  assert.match(
    f.reason,
    /^affected: no known start, not fixed in 5\.14, the base of s; needs a6a00d7e8ffd \(mainline 6\.1\): backport$/,
  );
});

test('fixed already: the ladder finds a fix on the branch', () => {
  const d = decide(imx, '5.10.20', [
    on('3a0cdd336d92c429b51a79bf4f64b17eafa0325d', 'present', { via: 'patch-id' }),
  ]);
  assert.equal(d.verdict, 'fixed');
  assert.equal(
    d.reason,
    'fixed already: the fix 3a0cdd336d92 (5.10.37) is on b-s as abcdef012345 (the same patch-id)',
  );
  assert.equal(d.evidence!.via, 'patch-id');
  assert.equal(d.needs, null);
  const p = decide(imx, '5.8', [on('47ff617217ca6a13194fcb35c6c3a0c57c080693', 'present')]);
  assert.match(
    p.reason,
    /the fix 47ff617217ca \(5\.13\) is on b-s as abcdef012345 \(a provenance line naming it\)/,
  );
});

test('a weak subject+author match is reported, not trusted', () => {
  const d = decide(imx, '5.10.20', [
    on('47ff617217ca6a13194fcb35c6c3a0c57c080693', 'present', { via: 'subject-author', weak: true }),
  ]);
  assert.equal(d.verdict, 'affected');
  assert.match(
    d.reason,
    /b-s has abcdef012345 with the fix's subject and author: check whether it is the fix/,
  );
});

test('introduced after the base, but the introducing commit was backported → affected', () => {
  const intro = 'b4845bb6383821a9516ce30af3a27dc873e37fd4';
  const d = decide(xen, '5.14', [on(intro, 'present')]);
  assert.equal(d.verdict, 'affected');
  assert.equal(d.plan, 'backport');
  assert.match(
    d.reason,
    /^affected: introduced in 6\.13 \(b4845bb63838\), after 5\.14, the base of s, but that commit is on b-s as abcdef012345 \(a provenance line naming it\)/,
  );
  const clean = decide(xen, '5.14');
  assert.equal(clean.verdict, 'not-affected');
  assert.match(clean.reason, /the introducing commits are not on b-s either$/);
  // Backported bug and backported fix: fixed.
  const both = decide(xen, '5.14', [
    on(intro, 'present'),
    on('98a5cfd2320966f40fe049a9855f8787f0126825', 'present'),
  ]);
  assert.equal(both.verdict, 'fixed');
});

test('a stream without based_on is decided by the ladder alone', () => {
  const d = decide(imx, null, [on('47ff617217ca6a13194fcb35c6c3a0c57c080693', 'missing')]);
  assert.equal(d.verdict, 'affected');
  assert.equal(d.plan, 'backport');
  assert.match(d.reason, /s has no based_on, so only the ladder can tell, and it finds no fix on b-s/);
  assert.equal(
    decide(imx, null, [on('47ff617217ca6a13194fcb35c6c3a0c57c080693', 'present')]).verdict,
    'fixed',
  );
});

test('assessStreams: every stream, one lookup; without a repository the reason says so; rejected → none', async () => {
  const streams = [stream('5.14', 'rhel-9'), stream('5.10.20', 'old'), stream(null, 'fork')];
  let calls = 0;
  const decisions = await assessStreams(imx, streams, async (commits, branches) => {
    calls++;
    assert.deepEqual(branches, ['b-rhel-9', 'b-old', 'b-fork']);
    return branches.flatMap((branch) => commits.map((commit) => ({ ...on(commit, 'missing'), branch })));
  });
  assert.equal(calls, 1);
  assert.deepEqual(
    decisions.map((d) => [d.stream, d.verdict, d.plan]),
    [
      ['rhel-9', 'not-affected', 'none'],
      ['old', 'affected', 'update-or-backport'],
      ['fork', 'affected', 'backport'],
    ],
  );
  const blind = await assessStreams(imx, streams);
  assert.match(blind[1]!.reason, /the ladder did not check b-old \(no repository to look in\)/);
  assert.deepEqual(await assessStreams({ ...imx, rejected: true }, streams), []);
});

test('a based_on that is not a kernel version is bad input naming the stream', () => {
  assert.throws(
    () => decideStream(imx, { name: 'rhel', branch: 'main', based_on: 'nine' }, []),
    /based_on of stream 'rhel' 'nine'/,
  );
});

test('a fix that only stable releases carry: the newest is the one needed, and said to be stable only', () => {
  // CVE-2022-48643 without its mainline link: three stable-only regressions and their fixes.
  const text = readFileSync(path.join(DATA, 'published', 'CVE-2022-48643.mbox'), 'utf8').replace(
    /\n\thttps:\/\/git\.kernel\.org\/stable\/c\/921ebde3c0d22c8cba74ce8eb3cc4626abff1ccd/,
    '',
  );
  const stableOnly = parseAnnouncement(text);
  assert.equal(stableOnly.main_fix, '8bcad2a931313aeba076b76922d5813ef97d0a91');
  const d = decide(stableOnly, '5.19.8');
  assert.equal(d.plan, 'update-or-backport');
  assert.match(d.reason, /needs 8bcad2a93131 \(stable only 5\.19\.12\): update to 5\.19\.12, or backport$/);
  assert.equal(decide(stableOnly, '5.15.50').verdict, 'not-affected');
  assert.match(
    decide(stableOnly, '6.1').reason,
    /the announced ranges \(series 5\.10, 5\.15, 5\.19\) do not reach 6\.1/,
  );
});
