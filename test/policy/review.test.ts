import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reviewStatus } from '../../src/policy/review.js';
import { resolvePolicy } from '../../src/policy/settings.js';

const policy = resolvePolicy({ review: { maintainers: ['alice', 'bob', 'Carol'] } });

const cases: {
  name: string;
  backporter: string;
  approvals: string[];
  satisfied: boolean;
  reason: string;
}[] = [
  {
    name: 'two maintainers approve a contributor backport',
    backporter: 'dave',
    approvals: ['alice', 'bob'],
    satisfied: true,
    reason: 'approved by 2 stable maintainers (alice, bob); 2 needed',
  },
  {
    name: 'one maintainer is not enough for a contributor backport',
    backporter: 'dave',
    approvals: ['alice'],
    satisfied: false,
    reason: 'needs 2 approvals from stable maintainers; has 1 (alice)',
  },
  {
    name: 'a maintainer backported: one other maintainer suffices',
    backporter: 'alice',
    approvals: ['carol'],
    satisfied: true,
    reason:
      'approved by 1 stable maintainer (carol); 1 needed, because alice, a stable maintainer, made the backport',
  },
  {
    name: "the backporter's own approval never counts",
    backporter: 'alice',
    approvals: ['alice'],
    satisfied: false,
    reason:
      'needs 1 approval from stable maintainers, because alice, a stable maintainer, made the backport; has 0; not counted: alice made the backport',
  },
  {
    name: 'approvals by non-maintainers and duplicates do not count',
    backporter: 'dave',
    approvals: ['erin', 'bob', 'BOB'],
    satisfied: false,
    reason:
      'needs 2 approvals from stable maintainers; has 1 (bob); not counted: erin is not a stable maintainer',
  },
];

for (const c of cases) {
  test(`review: ${c.name}`, () => {
    const r = reviewStatus({ backporter: c.backporter, approvals: c.approvals }, policy);
    assert.equal(r.reason, c.reason);
    assert.equal(r.satisfied, c.satisfied);
  });
}

test('review: the numbers are configurable, and nobody counts when no maintainers are configured', () => {
  const three = resolvePolicy({ review: { maintainers: ['a', 'b', 'c'], approvals_required: 3 } });
  assert.equal(reviewStatus({ backporter: 'x', approvals: ['a', 'b'] }, three).satisfied, false);
  assert.equal(reviewStatus({ backporter: 'x', approvals: ['a', 'b', 'c'] }, three).satisfied, true);
  const none = reviewStatus({ backporter: 'x', approvals: ['a', 'b'] }, resolvePolicy({}));
  assert.equal(none.satisfied, false);
  assert.equal(
    none.reason,
    'no stable maintainers are configured (policy.review.maintainers); not counted: a is not a stable maintainer, b is not a stable maintainer',
  );
});
