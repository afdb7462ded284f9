import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMonths, phaseRule, type StreamLife, streamLife } from '../../src/policy/lifecycle.js';
import { resolvePolicy } from '../../src/policy/settings.js';
import type { ChangeClass, Outcome, Phase, StreamFacts } from '../../src/policy/types.js';

const policy = resolvePolicy({});
const stream = (over: Partial<StreamFacts> = {}): StreamFacts => ({
  name: '2025.1',
  branch: 'stable/2025.1',
  state: 'active',
  release_date: '2025-04-02',
  ...over,
});

test('addMonths keeps the day where the month has it', () => {
  assert.equal(addMonths('2025-04-02', 6), '2025-10-02');
  assert.equal(addMonths('2025-08-31', 6), '2026-02-28');
  assert.equal(addMonths('2024-08-31', 6), '2025-02-28');
  assert.equal(addMonths('2023-08-31', 6), '2024-02-29');
  assert.equal(addMonths('2025-11-15', 14), '2027-01-15');
});

const byDate: [now: string, phase: Phase][] = [
  ['2025-04-02', 'phase-1'],
  ['2025-10-01', 'phase-1'],
  ['2025-10-02', 'phase-2'],
  ['2026-04-01', 'phase-2'],
  ['2026-04-02', 'phase-3'],
  ['2030-01-01', 'phase-3'],
  ['2025-04-01', 'pre-release'],
];
for (const [now, phase] of byDate) {
  test(`a stream released 2025-04-02 is in ${phase} on ${now}`, () => {
    assert.equal(streamLife(stream(), policy, now).phase, phase);
  });
}

test('phase lengths are configurable', () => {
  const p = resolvePolicy({ phases: { phase_one_months: 3, phase_two_months: 9 } });
  assert.equal(streamLife(stream(), p, '2025-07-02').phase, 'phase-2');
  assert.equal(streamLife(stream(), p, '2026-01-02').phase, 'phase-3');
});

test('states set by hand win over dates, and say why the stream is closed', () => {
  const cases: [StreamFacts['state'], Phase, boolean, string | null][] = [
    [
      'pre-release',
      'pre-release',
      false,
      'stream 2025.1 is pre-release; it takes no backports before release',
    ],
    ['retired', 'retired', false, 'stream 2025.1 is retired; it takes no more backports'],
    ['end-of-life', 'end-of-life', false, 'stream 2025.1 is end-of-life; it takes no more backports'],
    ['extended-maintenance', 'extended-maintenance', true, null],
  ];
  for (const [state, phase, open, why] of cases) {
    const life = streamLife(stream({ state }), policy, '2025-05-01');
    assert.equal(life.phase, phase, state);
    assert.equal(life.open, open, state);
    assert.equal(life.closedBecause, why, state);
  }
});

test('a release date in the future makes an active stream pre-release', () => {
  const life = streamLife(stream({ release_date: '2026-04-01' }), policy, new Date('2025-11-21T10:00:00Z'));
  assert.equal(life.phase, 'pre-release');
  assert.equal(
    life.closedBecause,
    'stream 2025.1 is not released yet (release date 2026-04-01); it takes no backports before release',
  );
});

test('support_months ends an active stream', () => {
  const p = resolvePolicy({ phases: { support_months: 18 } });
  const life = streamLife(stream(), p, '2026-10-02');
  assert.equal(life.phase, 'end-of-life');
  assert.equal(
    life.closedBecause,
    'stream 2025.1 is past its 18 months of support (released 2025-04-02, supported until 2026-10-02)',
  );
  assert.equal(streamLife(stream(), p, '2026-10-01').phase, 'phase-3');
});

test('per-stream backporting_allowed opens or closes a stream whatever its state', () => {
  const open = resolvePolicy({ streams: { '2025.1': { backporting_allowed: true } } });
  assert.equal(streamLife(stream({ state: 'pre-release' }), open, '2025-05-01').open, true);
  const closed = resolvePolicy({ streams: { '2025.1': { backporting_allowed: false } } });
  const life = streamLife(stream(), closed, '2025-05-01');
  assert.equal(life.open, false);
  assert.equal(
    life.closedBecause,
    'backporting to stream 2025.1 is turned off in the configuration (policy.streams)',
  );
});

// Every phase × class. The reason is "<what the phase accepts>; this commit is <class>",
// with the safe classes and (in phase I) unclassified changes left to a maintainer.
const PHASE_TEXT: Record<string, string> = {
  'phase-1': 'phase I (first 6 months after release) accepts all appropriate bug fixes',
  'phase-2': 'phase II (6 to 12 months after release) accepts only critical fixes and security fixes',
  'phase-3': 'phase III (over 12 months after release) accepts only security fixes',
  'extended-maintenance': 'extended maintenance accepts only security fixes and critical fixes',
};
const CLASS_TEXT: Record<ChangeClass, string> = {
  security: 'a security fix',
  critical: 'a critical fix',
  'bug-fix': 'a bug fix',
  feature: 'a feature',
  'docs-only': 'documentation only',
  'tests-only': 'tests only',
  'config-only': 'configuration-file content only',
  'ci-only': 'CI only (a gate fix)',
  'log-typo': 'a log-message correction',
  unclassified: 'not recognisably a bug fix',
};
const MAINTAINER = ', which stable maintainers accept case by case: a maintainer decides';
const SAFE: ChangeClass[] = ['docs-only', 'tests-only', 'config-only', 'ci-only', 'log-typo'];

// One letter per class, in CLASS_TEXT's order: P pass, N note (a maintainer decides), R refuse.
const TABLE: Record<string, string> = {
  // security critical bug-fix feature docs tests config ci log-typo unclassified
  'phase-1': 'P P P R N N N N N N',
  'phase-2': 'P P R R N N N N N R',
  'phase-3': 'P R R R N N N N N R',
  'extended-maintenance': 'P P R R N N N N N R',
};

const lifeIn = (phase: Phase): StreamLife => ({
  phase,
  open: true,
  description: '',
  closedBecause: null,
  dateUnknown: false,
});
const OUTCOME: Record<'P' | 'N' | 'R', Outcome> = { P: 'pass', N: 'note', R: 'refuse' };

for (const [phase, row] of Object.entries(TABLE)) {
  const marks = row.split(/\s+/) as ('P' | 'N' | 'R')[];
  for (const [i, cls] of (Object.keys(CLASS_TEXT) as ChangeClass[]).entries()) {
    const mark = marks[i]!;
    test(`phase rule: ${phase} × ${cls} → ${OUTCOME[mark]}`, () => {
      const r = phaseRule('c0ffee', [cls], [], lifeIn(phase as Phase), policy);
      assert.equal(r.outcome, OUTCOME[mark]);
      let reason = `${PHASE_TEXT[phase]}; this commit is ${CLASS_TEXT[cls]}`;
      if (SAFE.includes(cls)) reason += MAINTAINER;
      else if (cls === 'unclassified' && mark === 'N')
        reason += ' (no bug trailer, no tracker bug): a maintainer decides';
      assert.equal(r.reason, reason);
    });
  }
}

for (const phase of ['pre-release', 'retired', 'end-of-life'] as Phase[]) {
  for (const cls of Object.keys(CLASS_TEXT) as ChangeClass[]) {
    test(`phase rule: ${phase} (closed) × ${cls} → skip`, () => {
      const r = phaseRule('c0ffee', [cls], [], { ...lifeIn(phase), open: false }, policy);
      assert.equal(r.outcome, 'skip');
      assert.equal(r.reason, 'the stream takes no backports (see stream-open)');
    });
  }
}

test('a closed stream opened in configuration: pre-release takes bug fixes, retired only security', () => {
  const pre = phaseRule('c', ['bug-fix'], [], lifeIn('pre-release'), policy);
  assert.equal(pre.outcome, 'pass');
  assert.equal(
    pre.reason,
    'a pre-release stream opened for backports accepts all appropriate bug fixes; this commit is a bug fix',
  );
  const retired = phaseRule('c', ['bug-fix'], [], lifeIn('retired'), policy);
  assert.equal(retired.outcome, 'refuse');
  assert.equal(
    retired.reason,
    'a retired stream opened for backports accepts only security fixes; this commit is a bug fix',
  );
});

test('the strongest accepted class decides, and its evidence is quoted', () => {
  const r = phaseRule(
    'c',
    ['security', 'bug-fix', 'tests-only'],
    [
      { class: 'security', why: 'CVE-2024-1234 in the message' },
      { class: 'bug-fix', why: 'Closes-Bug: #1' },
    ],
    lifeIn('phase-3'),
    policy,
  );
  assert.equal(r.outcome, 'pass');
  assert.equal(
    r.reason,
    'phase III (over 12 months after release) accepts only security fixes; this commit is a security fix (CVE-2024-1234 in the message)',
  );
  // A bug fix that only touches tests: refused as a bug fix in phase III, but safe as tests only.
  const t = phaseRule('c', ['bug-fix', 'tests-only'], [], lifeIn('phase-3'), policy);
  assert.equal(t.outcome, 'note');
});

test('extended maintenance accepts what the configuration lists', () => {
  const p = resolvePolicy({ phases: { extended_maintenance: ['security', 'critical', 'bug-fix'] } });
  const r = phaseRule('c', ['bug-fix'], [], lifeIn('extended-maintenance'), p);
  assert.equal(r.outcome, 'pass');
  assert.equal(
    r.reason,
    'extended maintenance accepts only security fixes, critical fixes and bug fixes; this commit is a bug fix',
  );
});

test('an active stream without a release date is treated as phase I, with a note saying so', () => {
  const life = streamLife(stream({ release_date: undefined }), policy, '2025-05-01');
  assert.equal(life.phase, 'phase-1');
  const r = phaseRule('c', ['bug-fix'], [], life, policy);
  assert.equal(r.outcome, 'note');
  assert.equal(
    r.reason,
    'phase I (first 6 months after release) accepts all appropriate bug fixes (the stream has no release date, so phase I is assumed); this commit is a bug fix',
  );
});
