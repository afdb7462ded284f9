import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { policy } from '../../src/config/policy.js';
import { ferryConfig } from '../../src/config/schema.js';
import { PROFILE_NAMES } from '../../src/policy/profiles/index.js';
import { resolvePolicy } from '../../src/policy/settings.js';
import { DETECTOR_IDS } from '../../src/policy/types.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('the sample configuration parses, and the policy layer takes its policy section as is', () => {
  const config = ferryConfig.parse(parse(readFileSync(path.join(ROOT, 'examples/check/ferry.yaml'), 'utf8')));
  const resolved = resolvePolicy(config.policy);
  assert.equal(resolved.profile, 'openstack-python');
  assert.deepEqual(resolved.review.maintainers, ['alice', 'bob', 'carol']);
  assert.deepEqual(resolved.security.keywords, ['vulnerability', 'OSSA-']);
  assert.equal(resolved.detectors['db-schema'].action, 'refuse');
  assert.ok(resolved.detectors['db-schema'].signals.length > 0);
});

test('a configuration without policy: gets the defaults', () => {
  const config = ferryConfig.parse({});
  assert.deepEqual(config.policy, {});
  const resolved = resolvePolicy(config.policy);
  assert.equal(resolved.phases.phase_one_months, 6);
  assert.equal(resolved.phases.phase_two_months, 12);
  assert.equal(resolved.newer_first.exempt_security, false);
});

test('the configuration knows the same detectors and profiles as the policy', () => {
  for (const id of DETECTOR_IDS) assert.ok(policy.safeParse({ detectors: { [id]: 'off' } }).success, id);
  for (const p of PROFILE_NAMES) assert.ok(policy.safeParse({ profile: p }).success, p);
  assert.equal(policy.safeParse({ detectors: { 'db-schemas': 'off' } }).success, false);
  assert.equal(policy.safeParse({ profile: 'kernel' }).success, false);
});

test('mistakes are reported with their path', () => {
  const cases: [unknown, string, RegExp][] = [
    [{ newer_first: { exempt_securty: true } }, 'newer_first', /exempt_securty/],
    [
      { classes: { bug_fix: { patterns: ['(open'] } } },
      'classes.bug_fix.patterns.0',
      /not a valid regular expression/,
    ],
    [{ phases: { phase_one_months: 12, phase_two_months: 6 } }, 'phases.phase_two_months', /must not exceed/],
    [
      { detectors: { 'rpc-api': { signals: [{ kind: 'line-added', paths: ['*.py'], what: 'x' }] } } },
      'detectors.rpc-api.signals.0.pattern',
      /need a pattern/,
    ],
    [{ exceptions: [{ rules: ['db-schema'], reason: 'r' }] }, 'exceptions.0', /give commit or change_id/],
    [
      { exceptions: [{ commit: 'abc', rules: ['db-schema'], reason: 'r' }] },
      'exceptions.0.commit',
      /7\+ hex digits/,
    ],
    [
      { exceptions: [{ commit: 'abcdef12', rules: ['db-schemas'], reason: 'r' }] },
      'exceptions.0.rules.0',
      /./,
    ],
  ];
  for (const [input, where, message] of cases) {
    const r = policy.safeParse(input);
    assert.equal(r.success, false, JSON.stringify(input));
    const issue = r.error!.issues[0]!;
    assert.equal(issue.path.join('.'), where, JSON.stringify(input));
    assert.match(
      issue.message + JSON.stringify((issue as { keys?: string[] }).keys ?? ''),
      message,
      JSON.stringify(input),
    );
  }
});
