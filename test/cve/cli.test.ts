import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { CONFIG, MAINTAINERS } from '../helpers/cve-import.js';
import { tempDir } from '../helpers/git-fixture.js';
import { captureIO } from '../helpers/io.js';
import { asDelivered, createInbox, PUBLIC_INBOX_SKIP } from '../helpers/public-inbox.js';
import { KERNEL_CVES, REPO_ROOT } from '../helpers/shared-data.js';

const repoRoot = REPO_ROOT;
const DATA = KERNEL_CVES;
const record = (id: string, dir = 'published') => readFileSync(path.join(DATA, dir, `${id}.mbox`), 'utf8');

test('ferry cve parse --json: one JSON line per message over the whole data directory', async () => {
  const io = captureIO(repoRoot);
  assert.equal(await runCli(['cve', 'parse', '../shared/data/kernel-cves', '--json'], io), 0);
  const lines = io.stdout().trimEnd().split('\n');
  assert.equal(lines.length, 955);
  const first = JSON.parse(lines[0]!);
  assert.deepEqual(Object.keys(first), [
    'cve',
    'rejected',
    'subject',
    'pairs',
    'fix_commits',
    'main_fix',
    'files',
    'severity',
    'references',
    'message_id',
    'description',
    'source',
  ]);
  assert.equal(first.source.file, '../shared/data/kernel-cves/published/CVE-2020-36781.mbox');
  assert.deepEqual(first.pairs[3], {
    introduced: { version: '5.7', commit: '3a5ee18d2a32bda6b9a1260136f6805848e3839d' },
    fixed: { version: '5.13', commit: '47ff617217ca6a13194fcb35c6c3a0c57c080693' },
  });
  assert.equal(first.main_fix, '47ff617217ca6a13194fcb35c6c3a0c57c080693');
  assert.equal(io.stderr(), '');
});

test('ferry cve parse: a message that is not an announcement fails alone (exit 1), named on stderr', async () => {
  const dir = tempDir();
  const mbox = path.join(dir, 'mixed.mbox');
  writeFileSync(
    mbox,
    `${record('CVE-2020-36781')}\nFrom someone@example.org Mon Jan  1 00:00:00 2024\nFrom: someone@example.org\nSubject: thanks!\n\nThanks for the CVE.\n\n${record('CVE-2021-46921')}`,
  );
  const io = captureIO(dir);
  assert.equal(await runCli(['cve', 'parse', 'mixed.mbox'], io), 1);
  assert.match(io.stdout(), /^CVE-2020-36781 {2}i2c: imx/);
  assert.match(io.stdout(), /\nCVE-2021-46921 {2}locking\/qrwlock/);
  assert.match(io.stdout(), /main fix {3}47ff617217ca \(5\.13\)/);
  assert.match(
    io.stderr(),
    /mixed\.mbox message 2: not a CVE announcement: no CVE id in the subject "thanks!"/,
  );
  assert.match(io.stderr(), /1 of 3 messages are not CVE announcements/);
});

test('ferry cve: bad usage exits 2 with one clear line', async () => {
  const cases: [string[], RegExp][] = [
    [['cve'], /a subcommand is needed: 'ferry cve parse' or 'ferry cve import'/],
    [['cve', 'frob'], /unknown subcommand 'ferry cve frob'/],
    [['cve', 'parse'], /'parse' needs at least one mbox file or directory/],
    [['cve', 'parse', 'no/such.mbox'], /'no\/such\.mbox' does not exist/],
    [['cve', 'parse', 'x', '--inbox', 'y'], /--inbox is an option of 'ferry cve import'/],
    [['cve', 'import', '--dry-run'], /needs --inbox DIR or --mbox FILE/],
    [['cve', 'import', '--mbox', 'a', '--inbox', 'b', '--dry-run'], /give --inbox or --mbox, not both/],
    [
      ['cve', 'import', '--inbox', 'x', '--limit', '0', '--dry-run'],
      /--limit expects a positive whole number/,
    ],
    [['cve', 'import', '--mbox', 'a', '--data-dir', 'd'], /Unknown option '--data-dir'/],
    [
      ['cve', 'import', '--mbox', 'a', '--dry-run', '--config', 'missing.yaml'],
      /missing\.yaml: cannot read configuration \(no such file\)/,
    ],
  ];
  for (const [argv, message] of cases) {
    const io = captureIO(tempDir());
    assert.equal(await runCli(argv, io), 2, argv.join(' '));
    assert.match(io.stderr(), message, argv.join(' '));
  }
  const help = captureIO();
  assert.equal(await runCli(['cve', '--help'], help), 0);
  assert.match(help.stdout(), /Usage:\n {2}ferry cve parse <file-or-dir>\.\.\. \[--json\]/);
  assert.match(help.stdout(), /Exit status: 0/);
});

test('ferry cve import --mbox --dry-run --json: decisions, routing and the planned actions', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'ferry.yaml'), CONFIG);
  writeFileSync(path.join(dir, 'MAINTAINERS'), MAINTAINERS);
  const rejection = `From cve_reject-0 Mon Sep 17 00:00:00 2001\nSubject: REJECTED: CVE-2020-36781: i2c: imx: fix reference leak when pm_runtime_get_sync fails\n\n\nCVE-2020-36781 has now been rejected and is no longer a valid CVE.\n`;
  writeFileSync(path.join(dir, 'in.mbox'), `${record('CVE-2020-36781')}\n${rejection}`);
  const io = captureIO(dir);
  // The embedded store, which a dry run does not make: no database is touched.
  io.env = { ...process.env, DATABASE_URL: '' };
  assert.equal(await runCli(['cve', 'import', '--mbox', 'in.mbox', '--dry-run', '--json'], io), 0);
  assert.equal(existsSync(path.join(dir, '.ferry')), false);
  const out = JSON.parse(io.stdout());
  assert.equal(out.dry_run, true);
  assert.equal(out.messages, 2);
  assert.deepEqual(out.errors, []);
  const [announced, rejected] = out.cves;
  assert.deepEqual(
    announced.decisions.map((d: { stream: string; verdict: string; plan: string }) => [
      d.stream,
      d.verdict,
      d.plan,
    ]),
    [
      ['rhel-9.6', 'not-affected', 'none'],
      ['lts-5.10', 'affected', 'update-or-backport'],
      ['lts-5.8', 'affected', 'backport'],
    ],
  );
  assert.deepEqual(announced.routing.component, 'kernel / i2c');
  assert.deepEqual(announced.routing.assignee, 'ola@example.org', 'assignee from MAINTAINERS');
  assert.deepEqual(
    announced.actions.map((a: { kind: string; stream: string }) => [a.kind, a.stream]),
    [
      ['create', 'lts-5.10'],
      ['create', 'lts-5.8'],
    ],
  );
  // The REJECTED notice later in the same batch closes what the announcement would open.
  assert.equal(rejected.rejected, true);
  assert.deepEqual(
    rejected.actions.map((a: { kind: string; stream: string }) => [a.kind, a.stream]),
    [
      ['close', 'lts-5.10'],
      ['close', 'lts-5.8'],
    ],
  );
  const human = captureIO(dir);
  human.env = io.env;
  assert.equal(await runCli(['cve', 'import', '--mbox', 'in.mbox', '--dry-run'], human), 0);
  assert.match(human.stdout(), /lts-5\.10 +affected +affected: introduced in 5\.7/);
  assert.match(
    human.stdout(),
    /2 messages, 2 announcements, 4 planned tracker actions \(dry run: nothing written\)/,
  );
});

test('ferry cve import --inbox --dry-run reads the archive and leaves the cursor where it was', {
  skip: PUBLIC_INBOX_SKIP,
}, async () => {
  const pi = createInbox();
  pi.deliver(asDelivered('CVE-2020-36781'));
  const inbox = pi.dir;
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 'ferry.yaml'),
    `${CONFIG}  inbox: ${inbox}\n`.replace('  maintainers: MAINTAINERS\n', ''),
  );
  const io = captureIO(dir);
  io.env = { ...process.env, DATABASE_URL: '' };
  assert.equal(await runCli(['cve', 'import', '--dry-run', '--json', '--data', 'state'], io), 0, io.stderr());
  const out = JSON.parse(io.stdout());
  assert.equal(out.messages, 1);
  assert.match(out.cursor.epochs['0'], /^[0-9a-f]{40}$/);
  assert.equal(out.cves[0].source.epoch, 0);
  assert.equal(existsSync(path.join(dir, 'state')), false, 'a dry run makes no store and stores no cursor');
});
