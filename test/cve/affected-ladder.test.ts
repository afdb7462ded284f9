import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { status } from '../../src/engine/status.js';
import { Repo } from '../../src/git/repo.js';
import { assessStreams, type StreamDecision, type StreamTarget } from '../../src/sources/cve/affected.js';
import { ladderOnRepo } from '../../src/sources/cve/ladder.js';
import { type CveAnnouncement, parseAnnouncement } from '../../src/sources/cve/parse.js';
import { createRepo, type FixtureRepo, tempDir } from '../helpers/git-fixture.js';
import { captureIO } from '../helpers/io.js';
import { KERNEL_CVES } from '../helpers/shared-data.js';

/**
 * Affected-stream decisions on a built kernel-like repository, with the engine's equivalence
 * ladder: mainline on `main` (tags v5.4 … v5.14), the stable series linux-5.10.y, and vendor
 * streams branched from releases. The announcement is the real CVE-2020-36781 mail with the
 * fixture's commits in place of the kernel's (its 5.11 and 5.12 fixes are not in the fixture,
 * as a downstream mirror may lack stable commits).
 */

const DATA = KERNEL_CVES;
const FILE = 'drivers/i2c/busses/i2c-imx.c';

function driver(lines: Record<number, string>): string {
  const out: string[] = [];
  for (let i = 1; i <= 30; i++) out.push(lines[i] ?? `/* line ${i} */`);
  return `${out.join('\n')}\n`;
}

interface Fixture {
  repo: FixtureRepo;
  introduced: string;
  mainlineFix: string;
  stableFix: string;
  cve: CveAnnouncement;
}

let fx: Fixture;

before(() => {
  const repo = createRepo();
  repo.commit('Linux 5.4', { [FILE]: driver({}), Makefile: 'VERSION = 5.4\n' });
  repo.git(['tag', 'v5.4']);
  const introduced = repo.commit('i2c: imx: use pm_runtime_get_sync', {
    [FILE]: driver({ 5: '\tpm_runtime_get_sync(dev);', 6: '\tif (ret < 0) return ret;' }),
  });
  repo.commit('Linux 5.7', { Makefile: 'VERSION = 5.7\n' });
  repo.git(['tag', 'v5.7']);
  repo.commit('Linux 5.10', { Makefile: 'VERSION = 5.10\n', 'net/core/dev.c': 'net\n' });
  repo.git(['tag', 'v5.10']);
  const fixMessage =
    'i2c: imx: fix reference leak when pm_runtime_get_sync fails\n\nReplace it with pm_runtime_resume_and_get to keep usage\ncounter balanced.\n\nSigned-off-by: A Developer <dev@example.org>\n';
  const fixed = driver({ 5: '\tret = pm_runtime_resume_and_get(dev);', 6: '\tif (ret < 0) return ret;' });
  const mainlineFix = repo.commit(
    fixMessage,
    { [FILE]: fixed },
    { author: { name: 'A Developer', email: 'dev@example.org' } },
  );
  repo.commit('Linux 5.13', { Makefile: 'VERSION = 5.13\n' });
  repo.git(['tag', 'v5.13']);
  repo.commit('Linux 5.14', { Makefile: 'VERSION = 5.14\n' });
  repo.git(['tag', 'v5.14']);

  // The stable series: the fix as the stable team writes it ("commit X upstream.").
  repo.checkout('linux-5.10.y', { from: 'v5.10' });
  repo.commit('Linux 5.10.20', { Makefile: 'VERSION = 5.10.20\n' });
  const [subject, ...body] = fixMessage.split('\n\n');
  const stableFix = repo.commit(`${subject}\n\ncommit ${mainlineFix} upstream.\n\n${body.join('\n\n')}`, {
    [FILE]: fixed,
  });
  repo.commit('Linux 5.10.37', { Makefile: 'VERSION = 5.10.37\n' });

  // Vendor streams.
  repo.checkout('vendor-5.10', { from: 'v5.10' });
  repo.commit('vendor: our own change', { 'vendor.txt': 'ours\n' });
  repo.checkout('vendor-5.10-provenance', { from: 'vendor-5.10' });
  repo.cherryPick(mainlineFix);
  repo.checkout('vendor-5.10-patch-id', { from: 'vendor-5.10' });
  repo.commit(
    '[vendor] i2c-imx: balance runtime PM usage count',
    { [FILE]: fixed },
    {
      author: { name: 'Vendor Backporter', email: 'backports@vendor.example' },
    },
  );
  repo.checkout('vendor-5.4', { from: 'v5.4' });
  repo.commit('vendor: our own change', { 'vendor.txt': 'ours\n' });
  repo.checkout('vendor-5.4-backported', { from: 'vendor-5.4' });
  repo.cherryPick(introduced);
  repo.checkout('rhel-5.14', { from: 'v5.14' });
  repo.commit('rhel: our own change', { 'redhat.txt': 'ours\n' });
  repo.checkout('main');

  const text = readFileSync(path.join(DATA, 'published', 'CVE-2020-36781.mbox'), 'utf8')
    .replaceAll('3a5ee18d2a32bda6b9a1260136f6805848e3839d', introduced)
    .replaceAll('3a0cdd336d92c429b51a79bf4f64b17eafa0325d', stableFix)
    .replaceAll('47ff617217ca6a13194fcb35c6c3a0c57c080693', mainlineFix);
  fx = { repo, introduced, mainlineFix, stableFix, cve: parseAnnouncement(text) };
});

const streams: StreamTarget[] = [
  { name: 'rhel-9', branch: 'rhel-5.14', based_on: '5.14' },
  { name: 'v510', branch: 'vendor-5.10', based_on: '5.10.20' },
  { name: 'v510-prov', branch: 'vendor-5.10-provenance', based_on: '5.10.20' },
  { name: 'v510-pid', branch: 'vendor-5.10-patch-id', based_on: '5.10.20' },
  { name: 'v54', branch: 'vendor-5.4', based_on: '5.4' },
  { name: 'v54-bp', branch: 'vendor-5.4-backported', based_on: '5.4' },
  { name: 'no-base', branch: 'vendor-5.10', based_on: null },
  { name: 'gone', branch: 'vendor-3.0', based_on: '3.0' },
];

async function decisions(): Promise<Map<string, StreamDecision>> {
  const repo = await Repo.open(fx.repo.dir);
  const all = await assessStreams(fx.cve, streams, ladderOnRepo(repo, status));
  return new Map(all.map((d) => [d.stream, d]));
}

test('on a built repository: each stream decided, with the ladder rung as evidence', async () => {
  const d = await decisions();
  const short = (c: string) => c.slice(0, 12);

  assert.equal(d.get('rhel-9')!.verdict, 'not-affected', 'fixed in 5.13, before the base 5.14');
  assert.match(d.get('rhel-9')!.reason, /fixed in 5\.13 .* which 5\.14, the base of rhel-9 already includes/);

  const plain = d.get('v510')!;
  assert.equal(plain.verdict, 'affected');
  assert.equal(plain.plan, 'update-or-backport', 'the newer stable release 5.10.37 carries the fix');
  assert.equal(plain.update_to, '5.10.37');
  assert.equal(plain.needs!.commit, fx.mainlineFix);
  assert.equal(plain.alternatives[0]!.commit, fx.stableFix);
  assert.match(
    plain.reason,
    new RegExp(`needs ${short(fx.mainlineFix)} \\(mainline 5\\.13\\): update to 5\\.10\\.37, or backport$`),
  );

  const prov = d.get('v510-prov')!;
  assert.equal(prov.verdict, 'fixed');
  assert.equal(prov.evidence!.via, 'provenance');
  assert.match(
    prov.reason,
    new RegExp(
      `the fix ${short(fx.mainlineFix)} \\(5\\.13\\) is on vendor-5\\.10-provenance as [0-9a-f]{12} \\(a provenance line naming it\\)`,
    ),
  );

  const pid = d.get('v510-pid')!;
  assert.equal(pid.verdict, 'fixed');
  assert.equal(pid.evidence!.via, 'patch-id');
  assert.equal(pid.evidence!.match, fx.repo.rev('vendor-5.10-patch-id'));

  const v54 = d.get('v54')!;
  assert.equal(v54.verdict, 'not-affected', 'introduced in 5.7, after the base 5.4');
  assert.match(
    v54.reason,
    /introduced in 5\.7 .* after 5\.4, the base of v54; the introducing commits are not on vendor-5\.4 either$/,
  );

  const bp = d.get('v54-bp')!;
  assert.equal(bp.verdict, 'affected', 'the introducing commit was backported');
  assert.equal(bp.plan, 'backport');
  assert.equal(bp.evidence!.via, 'provenance');
  assert.match(
    bp.reason,
    /introduced in 5\.7 .* after 5\.4, the base of v54-bp, but that commit is on vendor-5\.4-backported as/,
  );

  const noBase = d.get('no-base')!;
  assert.equal(noBase.verdict, 'affected');
  assert.match(
    noBase.reason,
    /no-base has no based_on, so only the ladder can tell, and it finds no fix on vendor-5\.10/,
  );

  const gone = d.get('gone')!;
  assert.equal(gone.verdict, 'not-affected', 'introduced in 5.7, after 3.0');
  assert.match(gone.reason, /the ladder did not check vendor-3\.0 for a backport/);
});

test('the ladder adapter: commits and branches the repository lacks are unknown, with the reason', async () => {
  const repo = await Repo.open(fx.repo.dir);
  const find = ladderOnRepo(repo, status);
  const missing = '1ecc0ebc2ebbad4a22a670a07d27a21fa0b59c77';
  const answers = await find(
    [fx.mainlineFix.slice(0, 12), missing],
    ['vendor-5.10-provenance', 'no-such-branch'],
  );
  const get = (c: string, b: string) => answers.find((a) => a.commit === c && a.branch === b)!;
  assert.equal(get(fx.mainlineFix.slice(0, 12), 'vendor-5.10-provenance').state, 'present');
  assert.equal(get(missing, 'vendor-5.10-provenance').state, 'unknown');
  assert.match(get(missing, 'vendor-5.10-provenance').note!, /commit 1ecc0ebc2ebb is missing in /);
  assert.match(get(fx.mainlineFix.slice(0, 12), 'no-such-branch').note!, /branch no-such-branch is not in /);
});

test('ferry cve import --dry-run uses the ladder in the configured mirror', async () => {
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 'ferry.yaml'),
    [
      'repositories:',
      `  downstream: { mirror: ${fx.repo.dir} }`,
      'streams:',
      '  - { name: v510, branch: vendor-5.10, based_on: "5.10.20" }',
      '  - { name: v510-prov, branch: vendor-5.10-provenance, based_on: "5.10.20" }',
      '  - { name: rhel-9, branch: rhel-5.14, based_on: "5.14" }',
      '',
    ].join('\n'),
  );
  const mbox = readFileSync(path.join(DATA, 'published', 'CVE-2020-36781.mbox'), 'utf8')
    .replaceAll('3a5ee18d2a32bda6b9a1260136f6805848e3839d', fx.introduced)
    .replaceAll('3a0cdd336d92c429b51a79bf4f64b17eafa0325d', fx.stableFix)
    .replaceAll('47ff617217ca6a13194fcb35c6c3a0c57c080693', fx.mainlineFix);
  writeFileSync(path.join(dir, 'cve.mbox'), mbox);
  const io = captureIO(dir);
  // The embedded store, which a dry run does not make: no database is touched.
  io.env = { ...process.env, DATABASE_URL: '' };
  assert.equal(
    await runCli(['cve', 'import', '--mbox', 'cve.mbox', '--dry-run', '--json'], io),
    0,
    io.stderr(),
  );
  const out = JSON.parse(io.stdout());
  const decided = out.cves[0].decisions.map((x: StreamDecision) => [
    x.stream,
    x.verdict,
    x.evidence?.via ?? null,
  ]);
  assert.deepEqual(decided, [
    ['v510', 'affected', null],
    ['v510-prov', 'fixed', 'provenance'],
    ['rhel-9', 'not-affected', null],
  ]);
  assert.deepEqual(
    out.cves[0].actions.map((a: { kind: string; stream: string }) => [a.kind, a.stream]),
    [['create', 'v510']],
  );
  assert.equal(io.stderr(), '');
});
