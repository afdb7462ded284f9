import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { createRepo, tempDir } from '../helpers/git-fixture.js';
import { captureIO } from '../helpers/io.js';

function fixture() {
  const repo = createRepo();
  repo.commit('base', { 'a.txt': '1\n2\n3\n4\n5\n', 'b.txt': 'b\n' });
  repo.git(['branch', 'stable/1']);
  repo.git(['branch', 'stable/2']);
  const fix = repo.commit('Fix two', { 'a.txt': '1\ntwo\n3\n4\n5\n' });
  repo.checkout('stable/2');
  repo.commit('stable/2 differs', { 'a.txt': '1\nTWO\n3\n4\n5\n' });
  repo.checkout('main');
  return { repo, fix };
}

async function cli(cwd: string, ...argv: string[]) {
  const io = captureIO(cwd);
  const code = await runCli(argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('ferry pick (CLI)', () => {
  test('--json: documented shape; exit 1 when any target conflicts', async () => {
    const { repo, fix } = fixture();
    const r = await cli(
      repo.dir,
      'pick',
      fix,
      '--to',
      'stable/1',
      '--to',
      'stable/2',
      '--json',
      '--committer',
      'Bot <bot@x.example>',
    );
    assert.equal(r.code, 1, r.err);
    const body = JSON.parse(r.out) as { targets: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(body.targets[0]!).sort(), [
      'base',
      'branch',
      'commits',
      'conflicts',
      'head',
      'prerequisites',
      'source_used',
      'status',
      'target',
    ]);
    assert.equal(body.targets[0]!.status, 'picked');
    assert.equal(body.targets[1]!.status, 'conflict');
    assert.deepEqual(Object.keys((body.targets[0]!.commits as object[])[0]!).sort(), [
      'commit',
      'result',
      'source',
      'status',
      'via',
    ]);
  });

  test('exit 0 when everything is picked or present; a human table by default', async () => {
    const { repo, fix } = fixture();
    const r = await cli(repo.dir, 'pick', fix, '--to', 'stable/1', '--committer', 'Bot <bot@x.example>');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^TARGET\s+STATUS\s+SOURCE\s+HEAD\s+BRANCH\n/);
    assert.match(
      r.out,
      new RegExp(`stable/1\\s+picked\\s+original\\s+[0-9a-f]{12}\\s+backport/stable/1/${fix.slice(0, 12)}`),
    );
    const again = await cli(
      repo.dir,
      'pick',
      fix,
      '--to',
      `backport/stable/1/${fix.slice(0, 12)}`,
      '--dry-run',
    );
    assert.equal(again.code, 0);
    assert.match(again.out, /present/);
  });

  for (const [label, args, re] of [
    ['no target', ['HEAD'], /no target given; add --to/],
    ['unknown revision', ['cafebabe1234', '--to', 'stable/1'], /commit 'cafebabe1234' is not a commit/],
    ['option look-alike as a target', ['HEAD', '--to', '--all'], /--to/],
    [
      'bad branch name template',
      ['HEAD', '--to', 'stable/1', '--branch-name', 'a..b'],
      /not a valid git branch name/,
    ],
    ['unknown option', ['HEAD', '--to', 'stable/1', '--frobnicate'], /frobnicate/],
    ['bad --mainline', ['HEAD', '--to', 'stable/1', '--mainline', 'x'], /--mainline 'x'/],
  ] as const) {
    test(`bad input exits 2 with one line and writes nothing: ${label}`, async () => {
      const { repo } = fixture();
      const refs = repo.git(['for-each-ref']);
      const r = await cli(repo.dir, 'pick', ...args);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, re);
      assert.equal(r.err.trim().split('\n').length, 1);
      assert.equal(repo.git(['for-each-ref']), refs);
    });
  }

  test('a path that is not a git repository: exit 2, named', async () => {
    const dir = tempDir();
    const r = await cli(dir, 'pick', 'HEAD', '--to', 'main', '--repo', dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /is not a git repository/);
  });

  test('--json errors are JSON too', async () => {
    const { repo } = fixture();
    const r = await cli(repo.dir, 'pick', 'cafebabe1234', '--to', 'stable/1', '--json');
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.out), {
      error: {
        kind: 'BadRevisionError',
        message: `commit 'cafebabe1234' is not a commit in ${repo.dir}`,
        input: 'cafebabe1234',
      },
    });
  });

  test('--push sends the branch to a remote', async () => {
    const { repo, fix } = fixture();
    const remote = createRepo({ bare: true });
    const r = await cli(
      repo.dir,
      'pick',
      fix,
      '--to',
      'stable/1',
      '--push',
      remote.dir,
      '--committer',
      'Bot <bot@x.example>',
      '--json',
    );
    assert.equal(r.code, 0, r.err);
    const head = (JSON.parse(r.out) as { targets: { head: string }[] }).targets[0]!.head;
    assert.equal(remote.rev(`backport/stable/1/${fix.slice(0, 12)}`), head);
  });
});

describe('ferry status and deps (CLI)', () => {
  test('status: exit 0 when present everywhere, 1 when missing somewhere; --json shape', async () => {
    const { repo, fix } = fixture();
    const base = repo.rev('main~1');
    assert.equal((await cli(repo.dir, 'status', base, '--branches', 'stable/1')).code, 0);
    const r = await cli(
      repo.dir,
      'status',
      fix,
      base,
      '--branches',
      'stable/1',
      '--branches',
      'stable/2',
      '--json',
    );
    assert.equal(r.code, 1);
    const body = JSON.parse(r.out) as { entries: unknown[]; branches: unknown[]; commits: unknown[] };
    assert.equal(body.entries.length, 4);
    assert.deepEqual(Object.keys(body.entries[0] as object).sort(), [
      'branch',
      'commit',
      'match',
      'state',
      'via',
      'weak',
    ]);
    const human = await cli(repo.dir, 'status', fix, '--branches', 'stable/1');
    assert.match(human.out, /COMMIT\s+stable\/1\s+SUBJECT/);
    assert.match(human.out, /missing\s+Fix two/);
  });

  test('deps: --json has prerequisites and follow_ups', async () => {
    const { repo, fix } = fixture();
    const r = await cli(repo.dir, 'deps', fix, '--to', 'stable/2', '--json');
    assert.equal(r.code, 0, r.err);
    const body = JSON.parse(r.out);
    assert.deepEqual(Object.keys(body).sort(), ['commits', 'follow_ups', 'prerequisites', 'target']);
  });

  test('--help answers for every engine command', async () => {
    for (const name of ['pick', 'status', 'deps']) {
      const r = await cli(process.cwd(), name, '--help');
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`^Usage: ferry ${name} `));
      assert.match(r.out, /Exit status:/);
    }
  });
});
