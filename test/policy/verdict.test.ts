import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PolicyInputError } from '../../src/policy/errors.js';
import { type PolicyInput, resolvePolicy } from '../../src/policy/settings.js';
import type { ChangeFacts, PresenceFact, StreamFacts } from '../../src/policy/types.js';
import { evaluate, type PolicyRequest } from '../../src/policy/verdict.js';
import { change, file } from '../helpers/policy-facts.js';

const streams: StreamFacts[] = [
  { name: '2026.1', branch: 'stable/2026.1', state: 'active', release_date: '2026-04-01' },
  { name: '2025.2', branch: 'stable/2025.2', state: 'active', release_date: '2025-12-01' },
  { name: '2025.1', branch: 'stable/2025.1', state: 'active', release_date: '2025-04-02' },
  { name: 'yoga', branch: 'unmaintained/yoga', state: 'end-of-life', release_date: '2022-03-30' },
];
const NOW = '2026-05-01'; // 2026.1 phase I, 2025.2 phase I, 2025.1 phase III

const bugFix = change(
  'Fix volume detach race\n\nCloses-Bug: #2059809\nChange-Id: I0123456789abcdef0123456789abcdef01234567\n',
  [file('nova/compute/manager.py', { added: ['        with self._lock:'] })],
  'b'.repeat(40),
);
const present = (c: ChangeFacts, ...names: string[]): PresenceFact[] =>
  names.map((stream) => ({ commit: c.commit, stream, state: 'present', via: 'provenance' }));

const request = (over: Partial<PolicyRequest> = {}): PolicyRequest => ({
  changes: [bugFix],
  target: '2025.2',
  streams,
  upstream: { name: 'master', branch: 'master' },
  presence: present(bugFix, 'master', '2026.1', '2025.2', '2025.1'),
  now: NOW,
  ...over,
});
const osPolicy = (extra: PolicyInput = {}) => resolvePolicy({ profile: 'openstack-python', ...extra });

test('allow: a bug fix in phase I, on every newer stream; every rule is listed', () => {
  const v = evaluate(request(), osPolicy());
  assert.equal(v.decision, 'allow');
  assert.deepEqual(v.target, {
    stream: '2025.2',
    branch: 'stable/2025.2',
    state: 'active',
    phase: 'phase-1',
    release_date: '2025-12-01',
  });
  assert.deepEqual(
    v.rules.map((r) => [r.rule, r.commit?.slice(0, 4) ?? null, r.outcome]),
    [
      ['stream-open', null, 'pass'],
      ['phase', 'bbbb', 'pass'],
      ['db-schema', 'bbbb', 'pass'],
      ['http-api', 'bbbb', 'pass'],
      ['rpc-api', 'bbbb', 'pass'],
      ['notifications', 'bbbb', 'pass'],
      ['config-options', 'bbbb', 'pass'],
      ['dependencies', 'bbbb', 'pass'],
      ['new-features', 'bbbb', 'pass'],
      ['newer-first', 'bbbb', 'pass'],
    ],
  );
  assert.equal(v.rules[0]!.reason, 'stream 2025.2 takes backports (active, released 2025-12-01, phase I)');
  assert.equal(v.summary, 'allowed on 2025.2: every rule passes');
  assert.deepEqual(v.refusals, []);
  assert.deepEqual(v.notes, []);
  assert.deepEqual(v.commits, [
    {
      commit: bugFix.commit,
      subject: 'Fix volume detach race',
      classes: ['bug-fix'],
      evidence: [{ class: 'bug-fix', why: 'Closes-Bug: #2059809' }],
    },
  ]);
});

test('the target may be named by its branch', () => {
  assert.equal(evaluate(request({ target: 'stable/2025.2' }), osPolicy()).target.stream, '2025.2');
});

test('allow with a note: a tests-only change in phase III', () => {
  const tests = change('Fix flaky test\n', [file('nova/tests/unit/test_x.py', { added: ['x'] })]);
  const v = evaluate(
    request({ changes: [tests], target: '2025.1', presence: present(tests, 'master', '2026.1', '2025.2') }),
    osPolicy(),
  );
  assert.equal(v.decision, 'allow-with-note');
  assert.equal(v.summary, 'allowed on 2025.1 with 1 note for reviewers');
  assert.deepEqual(v.notes, [
    'phase III (over 12 months after release) accepts only security fixes; this commit is tests only (only tests change: nova/tests/unit/test_x.py), which stable maintainers accept case by case: a maintainer decides',
  ]);
});

test('refuse: every refusing rule is named in the summary, per commit', () => {
  const migration = change('db: add index\n\nCloses-Bug: #1\n', [
    file('nova/db/main/migrations/versions/ab45_add_index.py', { added: ['x'] }, 'A'),
  ]);
  const v = evaluate(
    request({
      changes: [bugFix, migration],
      target: '2025.1',
      presence: present(bugFix, 'master', '2026.1'),
    }),
    osPolicy(),
  );
  assert.equal(v.decision, 'refuse');
  assert.equal(
    v.summary,
    `refused on 2025.1 by phase, newer-first (${bugFix.commit.slice(0, 12)}); phase, db-schema, newer-first (${migration.commit.slice(0, 12)})`,
  );
  assert.equal(v.refusals.length, 5);
  assert.equal(v.rules.length, 1 + 2 * 9);
});

test('a closed stream refuses once, and the phase rule is skipped', () => {
  const v = evaluate(request({ target: 'yoga' }), osPolicy());
  assert.equal(v.decision, 'refuse');
  assert.deepEqual(v.rules[0], {
    rule: 'stream-open',
    commit: null,
    outcome: 'refuse',
    reason: 'stream yoga is end-of-life; it takes no more backports',
  });
  assert.equal(v.rules[1]!.outcome, 'skip');
  assert.equal(v.summary, 'refused on yoga by stream-open');
});

test('a granted exception turns a refusal into a note that quotes it', () => {
  const migration = change(
    'Make request_spec.spec MediumText\n\nCloses-Bug: #1\nChange-Id: I4278f6c43814ca620662b44cc4950467324211e2\n',
    [file('nova/db/sqlalchemy/api_migrations/migrate_repo/versions/045_x.py', { added: ['x'] }, 'A')],
  );
  const ex = {
    change_id: 'I4278f6c43814ca620662b44cc4950467324211e2',
    rules: ['db-schema'],
    reason: 'granted by stable-maint-core on openstack-discuss, 2026-04-20',
  };
  const v = evaluate(
    request({ changes: [migration], presence: present(migration, 'master', '2026.1') }),
    osPolicy({ exceptions: [ex] }),
  );
  const rule = v.rules.find((r) => r.rule === 'db-schema')!;
  assert.equal(rule.outcome, 'note');
  assert.equal(rule.exception, ex.reason);
  assert.equal(
    rule.reason,
    `database schema changes are not allowed on stable branches: this commit adds a database migration (nova/db/sqlalchemy/api_migrations/migrate_repo/versions/045_x.py); exception granted: ${ex.reason}`,
  );
  assert.equal(v.decision, 'allow-with-note');

  // By commit prefix, only on the stream it names, only for the rules it names.
  const narrow = osPolicy({
    exceptions: [
      { commit: migration.commit.slice(0, 10), stream: '2025.1', rules: ['db-schema'], reason: 'r' },
    ],
  });
  const other = evaluate(
    request({ changes: [migration], presence: present(migration, 'master', '2026.1') }),
    narrow,
  );
  assert.equal(other.rules.find((r) => r.rule === 'db-schema')!.outcome, 'refuse');
  const star = osPolicy({
    exceptions: [{ commit: migration.commit.slice(0, 10), rules: ['*'], reason: 'r' }],
  });
  const all = evaluate(request({ changes: [migration], target: '2025.1', presence: [] }), star);
  assert.equal(all.decision, 'allow-with-note');
});

test('tracker data reaches the classification', () => {
  const plain = change('Fix it\n', [file('nova/compute/manager.py', { added: ['x'] })]);
  const v = evaluate(
    request({
      changes: [plain],
      target: '2025.1',
      presence: present(plain, 'master', '2026.1', '2025.2'),
      tracker: { cves: ['CVE-2026-12345'] },
    }),
    osPolicy(),
  );
  assert.equal(v.decision, 'allow');
  assert.deepEqual(v.commits[0]!.classes, ['security']);
});

test('bad input: an unknown stream, no commits, a bad date', () => {
  assert.throws(
    () => evaluate(request({ target: 'zed' }), osPolicy()),
    (e: unknown) =>
      e instanceof PolicyInputError &&
      e.exitCode === 2 &&
      e.input === 'zed' &&
      e.message === "stream 'zed' is not configured; known streams: 2026.1, 2025.2, 2025.1, yoga",
  );
  assert.throws(() => evaluate(request({ changes: [] }), osPolicy()), /no commits to judge/);
  assert.throws(() => evaluate(request({ now: 'yesterday' }), osPolicy()), /date 'yesterday' is not a date/);
  assert.throws(() => evaluate(request({ now: new Date('nope') }), osPolicy()), PolicyInputError);
});
