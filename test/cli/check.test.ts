import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { tempDir } from '../helpers/git-fixture.js';
import { captureIO } from '../helpers/io.js';

/**
 * `ferry check` end to end, through runCli, on the sample repository that
 * examples/check/build-sample-repo.sh builds with real git and the sample configuration in
 * examples/check/ferry.yaml. The four outputs in docs/policy.md are run and compared here.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFIG = 'examples/check/ferry.yaml';
const DATE = '2026-05-15';
let repo = '';

before(() => {
  repo = path.join(tempDir('ferry-check-'), 'acme');
  execFileSync('bash', [path.join(ROOT, 'examples/check/build-sample-repo.sh'), repo], { stdio: 'pipe' });
});

async function check(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(ROOT);
  const code = await runCli(['check', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}
const common = (): string[] => ['--config', CONFIG, '--repo', repo, '--date', DATE];

/** A copy of the sample configuration with one piece of text replaced; returns its path. */
function sampleConfigWith(text: string, replacement: string): string {
  const file = path.join(tempDir('ferry-config-'), 'ferry.yaml');
  writeFileSync(file, readFileSync(path.join(ROOT, CONFIG), 'utf8').replace(text, replacement));
  return file;
}

interface DocExample {
  argv: string[];
  output: string;
  status: number;
}

/** The ```console blocks of docs/policy.md that run `ferry check`. */
function docExamples(): DocExample[] {
  const doc = readFileSync(path.join(ROOT, 'docs/policy.md'), 'utf8');
  const out: DocExample[] = [];
  for (const m of doc.matchAll(/```console\n\$ ferry (check .*)\n([\s\S]*?)\$ echo \$\?\n(\d+)\n```/g)) {
    out.push({
      argv: m[1]!.split(' ').map((a) => (a === '/tmp/acme' ? repo : a)),
      output: m[2]!,
      status: Number(m[3]),
    });
  }
  return out;
}

test('the four examples in docs/policy.md print exactly what the docs show', async () => {
  const examples = docExamples();
  assert.equal(examples.length, 4);
  const summaries: string[] = [];
  for (const ex of examples) {
    const io = captureIO(ROOT);
    const code = await runCli(ex.argv, io);
    assert.equal(io.stdout(), ex.output, `output of ferry ${ex.argv.join(' ')}`);
    assert.equal(code, ex.status, `exit status of ferry ${ex.argv.join(' ')}`);
    summaries.push(io.stdout().split('\n')[0]!);
  }
  // One allowed; one refused by phase; one by a forbidden change; one by newer-branch-first.
  assert.deepEqual(summaries, [
    'ALLOW  allowed on 2025.2: every rule passes',
    'REFUSE  refused on 2025.1 by phase (f6a47ff93fa5)',
    'REFUSE  refused on 2026.1 by db-schema (36f1416a7b24)',
    'REFUSE  refused on 2025.1 by newer-first (6ebe3de0728b)',
  ]);
});

test('docs/policy.md shows the sample configuration as it is', () => {
  const doc = readFileSync(path.join(ROOT, 'docs/policy.md'), 'utf8');
  assert.ok(doc.includes(`\`\`\`yaml\n${readFileSync(path.join(ROOT, CONFIG), 'utf8')}\`\`\``));
});

test('--json prints the verdict object', async () => {
  const r = await check(['resize-shrink-fix', '--to', '2025.1', ...common(), '--json']);
  assert.equal(r.code, 1);
  const v = JSON.parse(r.out);
  assert.equal(v.decision, 'refuse');
  assert.equal(v.date, DATE);
  assert.deepEqual(v.target, {
    stream: '2025.1',
    branch: 'stable/2025.1',
    state: 'active',
    phase: 'phase-3',
    release_date: '2025-04-02',
  });
  assert.deepEqual(v.commits[0].classes, ['security', 'bug-fix']);
  assert.deepEqual(v.refusals, [
    'not on newer stream 2025.2 (stable/2025.2); a fix must be on every newer stream, or in review there, first',
  ]);
  assert.deepEqual(
    v.rules.map((r: { rule: string; outcome: string }) => `${r.rule}:${r.outcome}`),
    [
      'stream-open:pass',
      'phase:pass',
      'db-schema:pass',
      'http-api:pass',
      'rpc-api:pass',
      'notifications:pass',
      'config-options:pass',
      'dependencies:pass',
      'new-features:pass',
      'newer-first:refuse',
    ],
  );
});

test('in review on the newer stream satisfies newer-branch-first', async () => {
  const r = await check([
    'resize-shrink-fix',
    '--to',
    '2025.1',
    ...common(),
    '--in-review',
    '2025.2',
    '--json',
  ]);
  assert.equal(r.code, 0);
  const v = JSON.parse(r.out);
  assert.equal(v.decision, 'allow');
  assert.equal(
    v.rules.at(-1).reason,
    'present on every newer stream: main (ancestor), 2026.1 (provenance), 2025.2 (in review)',
  );
});

test('a backport from a newer stream counts as the change it was picked from', async () => {
  const r = await check(['stable/2025.2', '--to', '2025.1', ...common(), '--json']);
  const v = JSON.parse(r.out);
  // main has the original (detach-race-fix); 2026.1 has a backport naming that original, which
  // the ladder finds by provenance; 2025.2 is where it sits.
  assert.equal(
    v.rules.at(-1).reason,
    'present on every newer stream: main (ancestor, as f6a47ff93fa5 which this commit was picked from), 2026.1 (provenance), 2025.2 (ancestor)',
  );
  assert.equal(v.summary, `refused on 2025.1 by phase (${v.commits[0].commit.slice(0, 12)})`);
  assert.equal(r.code, 1);
});

test('a series is judged commit by commit; tracker data counts', async () => {
  const r = await check(['detach-race-fix', 'console-lock-fix', '--to', '2025.2', ...common(), '--json']);
  const v = JSON.parse(r.out);
  assert.equal(v.commits.length, 2);
  assert.equal(v.summary, `refused on 2025.2 by phase (${v.commits[0].commit.slice(0, 12)})`);
  assert.equal(r.code, 1);
  const critical = await check([
    'detach-race-fix',
    '--to',
    '2025.2',
    ...common(),
    '--severity',
    'Critical',
    '--json',
  ]);
  assert.equal(JSON.parse(critical.out).decision, 'allow');
  assert.equal(critical.code, 0);
});

test('the end-of-life stream refuses at stream-open', async () => {
  const r = await check(['console-lock-fix', '--to', '2024.2', ...common()]);
  assert.equal(r.code, 1);
  assert.match(r.out, /^REFUSE {2}refused on 2024\.2 by stream-open; newer-first \(0e743bacdfb1\)\n/);
  assert.match(
    r.out,
    /stream-open {5}- {13}REFUSE {3}stream 2024\.2 is end-of-life; it takes no more backports\n/,
  );
});

test('bad input exits 2 with one line naming it', async () => {
  const cases: [string[], RegExp][] = [
    [['console-lock-fix', ...common()], /missing --to <stream>/],
    [['--to', '2025.1', ...common()], /give at least one commit/],
    [
      ['console-lock-fix', '--to', 'zed', ...common()],
      /stream 'zed' is not configured; known streams: 2026\.1, 2025\.2, 2025\.1, 2024\.2/,
    ],
    [['no-such-tag', '--to', '2025.1', ...common()], /commit 'no-such-tag' is not a commit/],
    [['--bad-option', '--to', '2025.1', ...common()], /--bad-option/],
    [
      ['console-lock-fix', '--to', '2025.1', '--config', CONFIG, '--repo', repo, '--date', '2026-02-30'],
      /--date '2026-02-30' is not a date/,
    ],
    [
      ['console-lock-fix', '--to', '2025.1', '--config', 'nope.yaml', '--repo', repo],
      /nope\.yaml: cannot read configuration \(no such file\); pass --config FILE/,
    ],
    [
      ['console-lock-fix', '--to', '2025.1', ...common(), '--in-review', '2024.2'],
      /in-review stream '2024\.2' is not newer than 2025\.1/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await check(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, message);
    assert.equal(r.err.trim().split('\n').length, 1, 'one line');
    assert.equal(r.out, '');
  }
});

test('an invalid configuration names its file and line; --json reports the error as JSON', async () => {
  const bad = sampleConfigWith('exempt_security: false', 'exempt_security: sometimes');
  const r = await check(['console-lock-fix', '--to', '2025.1', '--config', bad, '--repo', repo, '--json']);
  assert.equal(r.code, 2);
  const body = JSON.parse(r.out);
  assert.equal(body.error.kind, 'ConfigError');
  assert.match(body.error.message, /ferry\.yaml:\d+:\d+: policy\.newer_first\.exempt_security: /);
  const line = Number(/ferry\.yaml:(\d+):/.exec(body.error.message)![1]);
  assert.match(readFileSync(bad, 'utf8').split('\n')[line - 1]!, /exempt_security: sometimes/);
});

test('a stream branch missing from the repository is bad input', async () => {
  const cfg = sampleConfigWith('branch: stable/2025.2', 'branch: stable/2025.2-typo');
  const r = await check(['console-lock-fix', '--to', '2025.1', '--config', cfg, '--repo', repo]);
  assert.equal(r.code, 2);
  assert.match(r.err, /branch 'stable\/2025\.2-typo' of stream 2025\.2 is not in /);
});

test('ferry check --help shows usage, exit codes and an example', async () => {
  const io = captureIO(ROOT);
  assert.equal(await runCli(['check', '--help'], io), 0);
  assert.match(io.stdout(), /^Usage: ferry check <commit>\.\.\. --to <stream>/);
  assert.match(io.stdout(), /Exit status: 0 allowed/);
  assert.match(io.stdout(), /Example:\n {2}ferry check/);
});
