import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { fixtureEnv, tempDir } from '../helpers/git-fixture.js';
import { captureIO } from '../helpers/io.js';

interface DemoOutcome {
  key: string;
  stream: string;
  fix: string;
  state: string;
  reason: string | null;
  bot_branch: string | null;
  mr: string | null;
  labels: string[];
  comments: string[];
}

test('ferry demo --json: one draft MR on its bot branch and one conflict report, from the embedded defaults', async () => {
  const dir = path.join(tempDir('ferry-demo-test-'), 'demo');
  const io = captureIO();
  const code = await runCli(['demo', '--dir', dir, '--json'], io);
  assert.equal(code, 0, io.stderr());
  const out = JSON.parse(io.stdout()) as { ok: boolean; downstream: string; requests: DemoOutcome[] };
  assert.equal(out.ok, true);
  const [clean, conflict] = out.requests;

  assert.equal(clean!.state, 'opened');
  assert.equal(clean!.bot_branch, `ferry/${clean!.key}-${clean!.stream}`);
  assert.ok(clean!.mr?.endsWith(`#${clean!.bot_branch}`));
  assert.deepEqual(clean!.labels, ['ferry-backport-success']);
  assert.equal(clean!.comments.filter((c) => /draft merge request/.test(c)).length, 1);
  // The bot branch was pushed to the downstream remote: one commit on the stream's branch,
  // with the upstream fix's provenance line.
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', out.downstream, ...args], {
      encoding: 'utf8',
      env: fixtureEnv(),
    }).trim();
  const log = git('log', '--format=%B%x00', `stable/${clean!.stream}..${clean!.bot_branch}`);
  assert.equal(log.split('\0').filter((m) => m.trim()).length, 1);
  assert.match(log, new RegExp(`\\(cherry picked from commit ${clean!.fix}\\)`));

  assert.equal(conflict!.state, 'conflicted');
  assert.equal(conflict!.mr, null);
  assert.deepEqual(conflict!.labels, ['ferry-backport-failure']);
  const report = conflict!.comments.at(-1)!;
  assert.match(report, /src\/fs\.c/);
  assert.match(report, /ferry pick /, 'the command to reproduce it locally');
  assert.throws(() =>
    git('rev-parse', '--verify', '--quiet', `refs/heads/ferry/${conflict!.key}-${conflict!.stream}`),
  );
});

test('ferry demo --dir refuses a directory that is not empty, and writes nothing there', async () => {
  const dir = tempDir('ferry-demo-busy-');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'keep.txt'), 'mine\n');
  const io = captureIO();
  const code = await runCli(['demo', '--dir', dir], io);
  assert.equal(code, 2, io.stdout() + io.stderr());
  assert.match(io.stderr(), new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*(empty|new)`));
});
