import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { captureIO } from '../helpers/io.js';

test('ferry with an unknown command exits 2 and names it', async () => {
  const io = captureIO();
  const code = await runCli(['frobnicate'], io);
  assert.equal(code, 2);
  assert.match(io.stderr(), /unknown command 'frobnicate'/);
});

test('ferry version --json prints the package version', async () => {
  const io = captureIO();
  assert.equal(await runCli(['version', '--json'], io), 0);
  assert.match(JSON.parse(io.stdout()).version, /^\d+\.\d+\.\d+/);
});

test('an unknown option is a usage error (exit 2) that points at --help', async () => {
  const io = captureIO();
  assert.equal(await runCli(['version', '--bogus'], io), 2);
  assert.match(io.stderr(), /--bogus/);
  assert.match(io.stderr(), /ferry version --help/);
});
