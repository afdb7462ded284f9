import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ferryConfig } from '../../src/config/schema.js';
import type { StatusReport } from '../../src/engine/types.js';
import { Repo } from '../../src/git/repo.js';
import { checkCommits, type PresenceLookup } from '../../src/workflows/check.js';
import { createRepo } from '../helpers/git-fixture.js';

/**
 * The fact gathering behind `ferry check`, with the presence lookup injected: which
 * branches are asked about, from where, and how the engine's answer reaches the policy.
 */

function fixture() {
  const fx = createRepo();
  fx.commit('init', { 'svc/app.py': 'x = 1\n' });
  fx.git(['branch', 'stable/b']);
  fx.git(['branch', 'stable/a']);
  const fix = fx.commit('Fix x\n\nCloses-Bug: #1\n', { 'svc/app.py': 'x = 2\n' });
  const config = ferryConfig.parse({
    repositories: { upstream: { url: 'https://example.org/svc.git', main_branch: 'main' } },
    streams: [
      { name: 'b', branch: 'stable/b', release_date: '2026-01-01' },
      { name: 'a', branch: 'stable/a', release_date: '2025-12-01' },
    ],
  });
  return { fx, fix, config };
}

test('presence is asked for every newer branch, from upstream main, and mapped back to streams', async () => {
  const { fx, fix, config } = fixture();
  const calls: Parameters<PresenceLookup>[0][] = [];
  const lookup: PresenceLookup = async (opts) => {
    calls.push(opts);
    const report: StatusReport = {
      commits: [],
      branches: [],
      entries: [
        { commit: fix, branch: 'main', state: 'present', via: 'ancestor', match: fix, weak: false },
        {
          commit: fix,
          branch: 'stable/b',
          state: 'present',
          via: 'subject-author',
          match: 'f'.repeat(40),
          weak: true,
        },
      ],
    };
    return report;
  };
  const v = await checkCommits({
    repo: await Repo.open(fx.dir),
    config,
    commits: [fix.slice(0, 10)],
    to: 'a',
    now: '2026-02-01',
    presence: lookup,
  });
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0]!.commits, [fix]);
  assert.deepEqual(calls[0]!.branches, ['main', 'stable/b']);
  assert.equal(calls[0]!.from, 'main');
  const rule = v.rules.find((r) => r.rule === 'newer-first')!;
  assert.equal(rule.outcome, 'note');
  assert.equal(
    rule.reason,
    'present on every newer stream: main (ancestor), b (subject-author); on b only by subject and author, which a reviewer should confirm',
  );
  assert.equal(v.decision, 'allow-with-note');
});

test('in review on a newer stream, for one commit of a series', async () => {
  const { fx, fix, config } = fixture();
  const other = fx.commit('Fix y\n\nCloses-Bug: #2\n', { 'svc/app.py': 'x = 3\n' });
  const nothing: PresenceLookup = async ({ commits, branches }) => ({
    commits: [],
    branches: [],
    entries: branches.flatMap((branch) =>
      commits.map((commit) => ({
        commit,
        branch,
        state: branch === 'main' ? ('present' as const) : ('missing' as const),
        via: branch === 'main' ? ('ancestor' as const) : null,
        match: null,
        weak: false,
      })),
    ),
  });
  const v = await checkCommits({
    repo: await Repo.open(fx.dir),
    config,
    commits: [fix, other],
    to: 'a',
    now: '2026-02-01',
    presence: nothing,
    inReview: [{ commit: fix.slice(0, 8), stream: 'b' }],
  });
  const outcomes = v.rules.filter((r) => r.rule === 'newer-first').map((r) => [r.commit, r.outcome]);
  assert.deepEqual(outcomes, [
    [fix, 'pass'],
    [other, 'refuse'],
  ]);
});

test('with newer-branch-first turned off, presence is not looked up at all', async () => {
  const { fx, fix, config } = fixture();
  const v = await checkCommits({
    repo: await Repo.open(fx.dir),
    config: { ...config, policy: { newer_first: { enabled: false } } },
    commits: [fix],
    to: 'a',
    now: '2026-02-01',
    presence: async () => {
      throw new Error('must not be called');
    },
  });
  assert.equal(v.decision, 'allow');
});

test('a backport is also asked about as the commit it names; a strong answer for it beats a weak one', async () => {
  const { fx, fix, config } = fixture();
  fx.checkout('stable/b');
  const backport = fx.cherryPick(fix);
  const asked: string[][] = [];
  const lookup: PresenceLookup = async ({ commits }) => {
    asked.push(commits);
    return {
      commits: [],
      branches: [],
      entries: [
        { commit: backport, branch: 'main', state: 'present', via: 'subject-author', match: fix, weak: true },
        { commit: fix, branch: 'main', state: 'present', via: 'ancestor', match: fix, weak: false },
        {
          commit: backport,
          branch: 'stable/b',
          state: 'present',
          via: 'ancestor',
          match: backport,
          weak: false,
        },
      ],
    };
  };
  const v = await checkCommits({
    repo: await Repo.open(fx.dir),
    config,
    commits: [backport],
    to: 'a',
    now: '2026-02-01',
    presence: lookup,
  });
  assert.deepEqual(asked, [[backport, fix]]);
  assert.equal(
    v.rules.find((r) => r.rule === 'newer-first')!.reason,
    `present on every newer stream: main (ancestor, as ${fix.slice(0, 12)} which this commit was picked from), b (ancestor)`,
  );
});
