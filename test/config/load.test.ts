import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { ConfigError, defaultConfig, parseConfig } from '../../src/config/load.js';
import { captureIO } from '../helpers/io.js';

const BAD = `version: 1
streams:
  - name: "9.6"
    branch: rhel-9.6
    state: bogus
  - name: "9.4"
    brnch: rhel-9.4
server:
  port: "x"
  body_limit: 5MB
  webhooks:
    github: { secret_env: lower }
schedules:
  sweep:
    cron: "61 * * * *"
    job: sweep
`;

test('every problem is reported with its path and its line:column in the file', () => {
  try {
    parseConfig(BAD, 'ferry.yaml');
    assert.fail('expected a ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.exitCode, 2);
    const got = e.problems.map((p) => `${p.line}:${p.column} ${p.path}`);
    assert.deepEqual(got, [
      '5:12 streams.0.state',
      '6:5 streams.1.branch',
      '7:5 streams.1',
      '9:9 server.port',
      '12:27 server.webhooks.github.secret_env',
      '15:11 schedules.sweep.cron',
    ]);
    assert.match(e.problems[1]!.message, /required/);
    assert.match(e.problems[2]!.message, /brnch/);
  }
});

test('YAML syntax errors are located too', () => {
  assert.throws(
    () => parseConfig('a: [\n', 'f.yaml'),
    (e: ConfigError) => e.problems.length === 1 && e.problems[0]!.line > 0,
  );
});

test('defaults: no file at all gives a working configuration', () => {
  const c = defaultConfig();
  assert.equal(c.server.port, 8080);
  assert.equal(c.server.body_limit, 5 * 1024 * 1024);
  assert.deepEqual(c.server.webhooks, {});
  assert.deepEqual(c.schedules, {});
  assert.equal(parseConfig('server:\n  body_limit: 512kb\n', 'f').server.body_limit, 512 * 1024);
});

test('cve.tracker names a configured tracker or the built-in one (the default)', () => {
  assert.equal(defaultConfig().cve.tracker, 'builtin');
  const gh =
    'trackers:\n  gh:\n    kind: github\n    repo: o/r\n    auth: { kind: token, token_env: GH_TOKEN }\n';
  assert.equal(parseConfig(`${gh}cve:\n  tracker: gh\n`, 'f').cve.tracker, 'gh');
  assert.equal(parseConfig('cve:\n  tracker: builtin\n', 'f').cve.tracker, 'builtin');
  assert.throws(
    () => parseConfig(`${gh}cve:\n  inbox: /srv/cve\n  tracker: rhel\n`, 'ferry.yaml'),
    (e: ConfigError) =>
      e.exitCode === 2 &&
      e.message ===
        "ferry.yaml:8:12: cve.tracker: names 'rhel', which is not a configured tracker (trackers: gh; 'builtin' is Ferry's own)",
  );
  assert.throws(
    () => parseConfig('cve:\n  tracker: Rhel!\n', 'f'),
    /cve\.tracker: expected the name of a tracker/,
  );
});

test('ferry config check prints every problem and exits 2; --json lists them; a good file exits 0', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-config-'));
  writeFileSync(path.join(dir, 'ferry.yaml'), BAD);
  const io = captureIO(dir);
  assert.equal(await runCli(['config', 'check'], io), 2);
  const lines = io.stderr().trim().split('\n');
  assert.equal(lines.length, 6);
  assert.match(lines[0]!, /^ferry\.yaml:5:12: streams\.0\.state: /);
  const json = captureIO(dir);
  assert.equal(await runCli(['config', 'check', '--json'], json), 2);
  const out = JSON.parse(json.stdout());
  assert.equal(out.ok, false);
  assert.equal(out.problems.length, 6);
  writeFileSync(
    path.join(dir, 'good.yaml'),
    'schedules:\n  nightly:\n    cron: "0 3 * * *"\n    job: sweep\n',
  );
  const good = captureIO(dir);
  assert.equal(await runCli(['config', 'check', '--config', 'good.yaml'], good), 0);
  const missing = captureIO(dir);
  assert.equal(await runCli(['config', 'check', '--config', 'nope.yaml'], missing), 2);
  assert.match(missing.stderr(), /nope\.yaml: cannot read configuration \(no such file\)/);
});

test('ferry config schema prints a JSON Schema with the service sections', async () => {
  const io = captureIO();
  assert.equal(await runCli(['config', 'schema'], io), 0);
  const schema = JSON.parse(io.stdout());
  assert.equal(schema.type, 'object');
  assert.ok(schema.properties.server.properties.webhooks);
  assert.ok(schema.properties.schedules);
  assert.equal(schema.additionalProperties, false);
});

test('a release date must be a real day: 2025-13-01 and 2025-02-30 are refused with the path', () => {
  for (const date of ['2025-13-01', '2025-02-30', '2025-1-05']) {
    assert.throws(
      () =>
        parseConfig(
          `streams:\n  - name: "1.0"\n    branch: stable/1.0\n    release_date: "${date}"\n`,
          'ferry.yaml',
        ),
      (e: ConfigError) =>
        e.problems.length === 1 &&
        e.problems[0]!.path === 'streams.0.release_date' &&
        /YYYY-MM-DD/.test(e.problems[0]!.message),
      date,
    );
  }
  const ok = parseConfig(
    'streams:\n  - name: "1.0"\n    branch: stable/1.0\n    release_date: "2024-02-29"\n',
    'ferry.yaml',
  );
  assert.equal(ok.streams[0]!.release_date, '2024-02-29');
});
