import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  NotAnAnnouncementError,
  parseAnnouncement,
  parseAnnouncements,
} from '../../src/sources/cve/parse.js';
import { KERNEL_CVES } from '../helpers/shared-data.js';

/**
 * The announcement shapes, each built from a real record of ../shared/data/kernel-cves by
 * re-encoding it the way mail systems do (quoted-printable, base64, another charset, RFC 2047
 * subjects, multipart, CRLF, stripped headers), so the expected result is the record itself.
 */

const DATA = KERNEL_CVES;
const record = (id: string, dir = 'published') => readFileSync(path.join(DATA, dir, `${id}.mbox`));

/** Header block and body of a record, with its From_ line dropped. */
function split(raw: Buffer): { headers: string; body: Buffer } {
  const text = raw.toString('latin1');
  const start = text.startsWith('From ') ? text.indexOf('\n') + 1 : 0;
  const end = text.indexOf('\n\n', start);
  return { headers: text.slice(start, end), body: raw.subarray(end + 2) };
}

function quotedPrintable(bytes: Buffer): string {
  const out: string[] = [];
  for (const line of bytes.toString('latin1').split('\n')) {
    let encoded = '';
    for (const ch of line) {
      const c = ch.charCodeAt(0);
      encoded += c >= 0x80 || ch === '=' ? `=${c.toString(16).toUpperCase().padStart(2, '0')}` : ch;
    }
    encoded = encoded.replace(
      /[ \t]$/,
      (ws) => `=${ws.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
    );
    while (encoded.length > 76) {
      let cut = 75;
      while (encoded[cut - 1] === '=' || encoded[cut - 2] === '=') cut--;
      out.push(`${encoded.slice(0, cut)}=`);
      encoded = encoded.slice(cut);
    }
    out.push(encoded);
  }
  return out.join('\n');
}

function withBody(raw: Buffer, headers: string, body: string | Buffer): Buffer {
  const h = split(raw).headers;
  return Buffer.concat([
    Buffer.from(`${h}\n${headers}\n\n`, 'latin1'),
    Buffer.from(body as string, 'latin1'),
  ]);
}

test('plain 8-bit UTF-8 body with 40-character hashes and a Severity section', () => {
  const a = parseAnnouncement(record('CVE-2021-46921'));
  assert.equal(a.cve, 'CVE-2021-46921');
  assert.equal(a.subject, 'locking/qrwlock: Fix ordering in queued_write_lock_slowpath()');
  assert.match(a.description, /isn’t ordered/);
  assert.deepEqual(a.severity, {
    cvss_version: '3.1',
    score: 7.8,
    rating: 'HIGH',
    vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
  });
  assert.ok(a.pairs.every((p) => p.fixed?.commit.length === 40));
});

test('quoted-printable, base64 and a Windows-1252 body decode to the same announcement', () => {
  const raw = record('CVE-2021-46921');
  const expected = parseAnnouncement(raw);
  const { body } = split(raw);
  const qp = withBody(
    raw,
    'MIME-Version: 1.0\nContent-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: quoted-printable',
    quotedPrintable(body),
  );
  assert.match(qp.toString('latin1'), /=E2=80=99/);
  assert.deepEqual(parseAnnouncement(qp), expected);

  const b64 = withBody(
    raw,
    'MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64',
    body.toString('base64').replace(/.{76}/g, '$&\n'),
  );
  assert.deepEqual(parseAnnouncement(b64), expected);

  // ’ is 0x92 in Windows-1252; read as UTF-8 it would be an invalid byte.
  const cp1252 = Buffer.from(body.toString('utf8').replace(/’/g, '\x92'), 'latin1');
  const win = withBody(
    raw,
    'Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: 8bit',
    cp1252,
  );
  assert.deepEqual(parseAnnouncement(win), expected);
  // ...and undeclared Latin-1 bytes still come out as text rather than replacement characters.
  const undeclared = parseAnnouncement(withBody(raw, '', cp1252));
  assert.equal(undeclared.description, expected.description);
});

test('an RFC 2047 encoded, folded subject', () => {
  const raw = record('CVE-2024-56695');
  const expected = parseAnnouncement(raw);
  const text = raw.toString('utf8');
  const subject = /^Subject: (.*)$/m.exec(text)![1]!;
  const encoded = `Subject: =?UTF-8?q?${Buffer.from(subject.slice(0, 30), 'utf8')
    .toString('latin1')
    .replace(/[=?_\s]|[^\x21-\x7e]/g, (c) =>
      c === ' ' ? '_' : `=${c.charCodeAt(0).toString(16).toUpperCase()}`,
    )}?=\n =?UTF-8?b?${Buffer.from(subject.slice(30), 'utf8').toString('base64')}?=`;
  const a = parseAnnouncement(Buffer.from(text.replace(/^Subject: .*$/m, encoded), 'utf8'));
  assert.equal(a.subject, expected.subject);
  assert.equal(a.cve, 'CVE-2024-56695');
});

test('multipart/signed and multipart/alternative: the text/plain part is read', () => {
  const raw = record('CVE-2024-50022');
  const expected = parseAnnouncement(raw);
  const { body } = split(raw);
  const signed = withBody(
    raw,
    'MIME-Version: 1.0\nContent-Type: multipart/signed; micalg=pgp-sha256;\n protocol="application/pgp-signature"; boundary="=-=sig;x=-="',
    Buffer.concat([
      Buffer.from(
        'This is a signed message.\n--=-=sig;x=-=\nContent-Type: multipart/alternative; boundary=alt\n\n--alt\nContent-Type: text/html; charset=utf-8\n\n<p>not this</p>\n--alt\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n',
        'latin1',
      ),
      Buffer.from(quotedPrintable(body), 'latin1'),
      Buffer.from(
        '\n--alt--\n\n--=-=sig;x=-=\nContent-Type: application/pgp-signature\n\n-----BEGIN PGP SIGNATURE-----\nxyz\n-----END PGP SIGNATURE-----\n--=-=sig;x=-=--\n',
        'latin1',
      ),
    ]),
  );
  const a = parseAnnouncement(signed);
  assert.deepEqual({ ...a, description: a.description.trimEnd() }, expected);
  assert.match(a.description, /\u00a0/, 'the no-break space of the original survives');
});

test('CRLF line ends and stripped headers', () => {
  const raw = record('CVE-2025-21818', 'rejected');
  const expected = parseAnnouncement(raw);
  const crlf = Buffer.from(raw.toString('utf8').replace(/\n/g, '\r\n'), 'utf8');
  assert.deepEqual(parseAnnouncement(crlf), expected);

  const stripped = split(raw).body;
  const a = parseAnnouncement(stripped);
  assert.equal(a.cve, 'CVE-2025-21818');
  assert.equal(a.subject, expected.subject, 'the subject comes from the Description');
  assert.deepEqual(a.pairs, expected.pairs);
  assert.equal(a.message_id, null);
});

test('-rc versions, unfixed ("introduced only") pairs and the main fix', () => {
  const a = parseAnnouncement(record('CVE-2025-21818', 'rejected'));
  assert.deepEqual(a.pairs[4], {
    introduced: { version: '6.13', commit: 'b4845bb6383821a9516ce30af3a27dc873e37fd4' },
    fixed: { version: '6.14-rc2', commit: '98a5cfd2320966f40fe049a9855f8787f0126825' },
  });
  assert.deepEqual(a.pairs[5], {
    introduced: { version: '5.10.232', commit: '76b42b1340ca0c17961a1000474a23eff6f15f83' },
    fixed: null,
  });
  assert.equal(a.main_fix, '98a5cfd2320966f40fe049a9855f8787f0126825');
  assert.deepEqual(
    a.fix_commits.filter((f) => f.main),
    [{ commit: '98a5cfd2320966f40fe049a9855f8787f0126825', version: '6.14-rc2', main: true }],
  );
});

test('12-character hashes and "Fixed in" lines; fix commits are completed from the links', () => {
  const a = parseAnnouncement(record('CVE-2022-48993', 'rejected'));
  assert.deepEqual(a.pairs[0], { introduced: null, fixed: { version: '4.19.269', commit: '20e78b7d1c10' } });
  assert.equal(a.fix_commits[0]!.commit, '20e78b7d1c1019789d9754ad9246192916f1a3b4');
  assert.equal(a.fix_commits[0]!.version, '4.19.269');
  assert.equal(a.main_fix, 'a6a00d7e8ffd78d1cdb7a43f1278f081038c638f');
});

test('a fix linked but without a line (introduced and fixed in one release) is the main fix', () => {
  const a = parseAnnouncement(record('CVE-2024-53073'));
  assert.equal(a.pairs.length, 2);
  assert.equal(a.fix_commits.length, 6);
  assert.equal(a.main_fix, '8286f8b622990194207df9ab852e0f87c60d35e9');
  assert.equal(a.fix_commits.find((f) => f.main)!.version, null);
});

test('mitigation links that are not commits are kept as references', () => {
  const a = parseAnnouncement(record('CVE-2024-47674'));
  assert.ok(a.references.some((r) => r.startsWith('https://project-zero.issues.chromium.org/')));
  assert.ok(a.fix_commits.every((f) => /^[0-9a-f]{40}$/.test(f.commit)));
  assert.equal(a.fix_commits.length, a.references.filter((r) => r.includes('git.kernel.org')).length);
});

test('a REJECTED notice (as the team sends it) is a rejection of that CVE', () => {
  const original = parseAnnouncement(record('CVE-2024-35923', 'rejected'));
  const notice = [
    'From cve_reject-4f6a2b1c9d8e Mon Sep 17 00:00:00 2001',
    'From: Greg Kroah-Hartman <gregkh@linuxfoundation.org>',
    'To: <linux-cve-announce@vger.kernel.org>',
    'Reply-to: <cve@kernel.org>, <linux-kernel@vger.kernel.org>',
    `Subject: REJECTED: CVE-2024-35923: ${original.subject}`,
    'In-Reply-To: <2024051920-CVE-2024-35923-fa1e@gregkh>',
    '',
    '',
    'CVE-2024-35923 has now been rejected and is no longer a valid CVE.',
    '',
  ].join('\n');
  const a = parseAnnouncement(notice);
  assert.equal(a.cve, 'CVE-2024-35923');
  assert.equal(a.rejected, true);
  assert.equal(a.subject, original.subject);
  assert.deepEqual(a.pairs, []);
  assert.equal(a.main_fix, null);
  // Headers stripped: the body alone still says which CVE was rejected.
  const bare = parseAnnouncement('CVE-2024-35923 has now been rejected and is no longer a valid CVE.\n');
  assert.equal(bare.rejected, true);
  assert.equal(bare.cve, 'CVE-2024-35923');
  // A reply that quotes the notice is discussion, not a rejection.
  assert.throws(
    () =>
      parseAnnouncement(notice.replace('Subject: REJECTED:', 'Subject: Re: REJECTED:'), {
        source: 'list',
        index: 7,
      }),
    /list message 8: not a CVE announcement: a reply \(subject "Re: REJECTED: CVE-2024-35923/,
  );
  // An announcement whose description mentions a rejection is still an announcement.
  const prose = record('CVE-2020-36781')
    .toString('utf8')
    .replace('counter balanced.', 'counter balanced. An earlier patch has been rejected by reviewers.');
  assert.equal(parseAnnouncement(prose).rejected, false);
});

test('a message that is not an announcement is an error naming it; the batch goes on', () => {
  const patch = Buffer.from(
    'From: Someone <someone@example.org>\nTo: linux-kernel@vger.kernel.org\nSubject: [PATCH] mm: fix a thing\n\nLooks good to me.\n',
  );
  assert.throws(
    () => parseAnnouncement(patch, { source: 'lkml.mbox', index: 4 }),
    (e: unknown) =>
      e instanceof NotAnAnnouncementError &&
      e.exitCode === 2 &&
      /^lkml\.mbox message 5: not a CVE announcement: no CVE id in the subject "\[PATCH\] mm: fix a thing"/.test(
        e.message,
      ),
  );
  const batch = parseAnnouncements([
    { raw: record('CVE-2020-36781'), origin: { source: 'a.mbox', index: 0 } },
    { raw: patch, origin: { source: 'a.mbox', index: 1 } },
    { raw: record('CVE-2021-46921'), origin: { source: 'a.mbox', index: 2 } },
  ]);
  assert.deepEqual(
    batch.announcements.map((x) => x.announcement.cve),
    ['CVE-2020-36781', 'CVE-2021-46921'],
  );
  assert.equal(batch.errors.length, 1);
  assert.equal(batch.errors[0]!.input, 'a.mbox message 2');
});

test('a CVE mail with a version line it cannot read says which line', () => {
  const broken = record('CVE-2020-36781')
    .toString('utf8')
    .replace('and fixed in 5.10.37 with commit', 'and was fixed in 5.10.37 by commit');
  assert.throws(
    () => parseAnnouncement(broken, { source: 'x.mbox', index: 0 }),
    /x\.mbox message 1: not a CVE announcement: a line of "Affected and fixed versions" is not understood: "Issue introduced in 5\.7 .* by commit/,
  );
  const noSection = 'Subject: CVE-2099-0001: something\nFrom: a@b\n\nThere will be details later.\n';
  assert.throws(() => parseAnnouncement(noSection), /no "Affected and fixed versions" section/);
});
