import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newerFirstRule } from '../../src/policy/newer-first.js';
import { resolvePolicy } from '../../src/policy/settings.js';
import type { ChangeClass, Outcome, PresenceFact } from '../../src/policy/types.js';

/**
 * Newer branch first over three streams (2026.1, 2025.2, 2025.1) and upstream master:
 * a change for 2025.1 must be on master, 2026.1 and 2025.2 (or in review there).
 */

const C = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const master = { name: 'master', branch: 'master' };
const s2026 = { name: '2026.1', branch: 'stable/2026.1' };
const s2025b = { name: '2025.2', branch: 'stable/2025.2' };
const newerThan20251 = [master, s2026, s2025b];

const on = (
  stream: string,
  via: string,
  state: PresenceFact['state'] = 'present',
  weak = false,
): PresenceFact => ({
  commit: C,
  stream,
  state,
  via: state === 'in-review' ? 'review' : via,
  weak,
});
const everywhere = [on('master', 'ancestor'), on('2026.1', 'provenance'), on('2025.2', 'patch-id')];
const without = (name: string): PresenceFact[] => everywhere.filter((p) => p.stream !== name);

interface Case {
  name: string;
  classes: ChangeClass[];
  presence: PresenceFact[];
  settings?: Parameters<typeof resolvePolicy>[0];
  newer?: { name: string; branch: string }[];
  outcome: Outcome;
  reason: string;
}

const MISSING_2025_2 = 'not on newer stream 2025.2 (stable/2025.2)';
const cases: Case[] = [
  {
    name: 'present on every newer stream',
    classes: ['bug-fix'],
    presence: everywhere,
    outcome: 'pass',
    reason: 'present on every newer stream: master (ancestor), 2026.1 (provenance), 2025.2 (patch-id)',
  },
  {
    name: 'in review on the next newer stream counts',
    classes: ['bug-fix'],
    presence: [...without('2025.2'), on('2025.2', '', 'in-review')],
    outcome: 'pass',
    reason: 'present on every newer stream: master (ancestor), 2026.1 (provenance), 2025.2 (in review)',
  },
  {
    name: 'a "missing" fact is as good as none',
    classes: ['bug-fix'],
    presence: [...without('2025.2'), { commit: C, stream: '2025.2', state: 'missing', via: null }],
    outcome: 'refuse',
    reason: `${MISSING_2025_2}; a fix must be on every newer stream, or in review there, first`,
  },
  {
    name: 'missing on two newer streams',
    classes: ['bug-fix'],
    presence: [on('master', 'ancestor')],
    outcome: 'refuse',
    reason:
      'not on newer streams 2026.1 (stable/2026.1), 2025.2 (stable/2025.2); a fix must be on every newer stream, or in review there, first',
  },
  {
    name: 'missing upstream',
    classes: ['bug-fix'],
    presence: without('master'),
    outcome: 'refuse',
    reason:
      'not on newer stream master (master); a fix must be on every newer stream, or in review there, first',
  },
  {
    name: 'presence of another commit does not count',
    classes: ['bug-fix'],
    presence: [...without('2025.2'), { ...on('2025.2', 'ancestor'), commit: 'f'.repeat(40) }],
    outcome: 'refuse',
    reason: `${MISSING_2025_2}; a fix must be on every newer stream, or in review there, first`,
  },
  {
    name: 'exception: tests only',
    classes: ['bug-fix', 'tests-only'],
    presence: without('2025.2'),
    outcome: 'note',
    reason: `${MISSING_2025_2}; allowed anyway: changes that do not touch production code are exempt from newer-branch-first`,
  },
  {
    name: 'exception: documentation only',
    classes: ['docs-only'],
    presence: without('2025.2'),
    outcome: 'note',
    reason: `${MISSING_2025_2}; allowed anyway: changes that do not touch production code are exempt from newer-branch-first`,
  },
  {
    name: 'exception: a gate fix',
    classes: ['ci-only'],
    presence: without('2025.2'),
    outcome: 'note',
    reason: `${MISSING_2025_2}; allowed anyway: gate fixes (CI-only changes) are exempt from newer-branch-first`,
  },
  {
    name: 'security is not exempt unless configured',
    classes: ['security', 'bug-fix'],
    presence: without('2025.2'),
    outcome: 'refuse',
    reason: `${MISSING_2025_2}; a fix must be on every newer stream, or in review there, first`,
  },
  {
    name: 'exception: security, when configured',
    classes: ['security', 'bug-fix'],
    presence: without('2025.2'),
    settings: { newer_first: { exempt_security: true } },
    outcome: 'note',
    reason: `${MISSING_2025_2}; allowed anyway: security fixes (policy.newer_first.exempt_security) are exempt from newer-branch-first`,
  },
  {
    name: 'exceptions can be turned off',
    classes: ['tests-only'],
    presence: without('2025.2'),
    settings: { newer_first: { exempt_tests_only: false } },
    outcome: 'refuse',
    reason: `${MISSING_2025_2}; a fix must be on every newer stream, or in review there, first`,
  },
  {
    name: 'gate-fix exception turned off',
    classes: ['ci-only'],
    presence: without('2025.2'),
    settings: { newer_first: { exempt_gate_fixes: false } },
    outcome: 'refuse',
    reason: `${MISSING_2025_2}; a fix must be on every newer stream, or in review there, first`,
  },
  {
    name: 'a weak (subject and author) match asks a reviewer to confirm',
    classes: ['bug-fix'],
    presence: [...without('2025.2'), on('2025.2', 'subject-author', 'present', true)],
    outcome: 'note',
    reason:
      'present on every newer stream: master (ancestor), 2026.1 (provenance), 2025.2 (subject-author); on 2025.2 only by subject and author, which a reviewer should confirm',
  },
  {
    name: 'the newest stream needs only upstream',
    classes: ['bug-fix'],
    presence: [on('master', 'ancestor')],
    newer: [master],
    outcome: 'pass',
    reason: 'present on every newer stream: master (ancestor)',
  },
  {
    name: 'nothing newer at all',
    classes: ['bug-fix'],
    presence: [],
    newer: [],
    outcome: 'pass',
    reason: 'no newer stream to check',
  },
  {
    name: 'turned off',
    classes: ['bug-fix'],
    presence: [],
    settings: { newer_first: { enabled: false } },
    outcome: 'skip',
    reason: 'turned off in the configuration',
  },
];

for (const c of cases) {
  test(`newer-first: ${c.name} → ${c.outcome}`, () => {
    const r = newerFirstRule(
      C,
      c.classes,
      c.newer ?? newerThan20251,
      c.presence,
      resolvePolicy(c.settings ?? {}),
    );
    assert.equal(r.rule, 'newer-first');
    assert.equal(r.commit, C);
    assert.equal(r.reason, c.reason);
    assert.equal(r.outcome, c.outcome);
  });
}
