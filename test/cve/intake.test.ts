import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ferryConfig } from '../../src/config/schema.js';
import type { CommitOnBranch, FindOnBranches } from '../../src/sources/cve/affected.js';
import { cveStreams, runCveIntake } from '../../src/workflows/cve-intake.js';
import { KERNEL_CVES } from '../helpers/shared-data.js';

const DATA = KERNEL_CVES;
const message = (id: string, dir = 'published', index = 0) => ({
  raw: readFileSync(path.join(DATA, dir, `${id}.mbox`)),
  origin: { source: `${id}.mbox`, index },
});

const config = ferryConfig.parse({
  repositories: { downstream: { mirror: '/x' }, upstream: { mirror: '/y' } },
  streams: [
    { name: 'rhel-9', branch: 'rhel-9', based_on: '5.14' },
    { name: 'lts-5.10', branch: 'linux-5.10.y', based_on: '5.10.20', repository: 'upstream' },
    { name: 'lts-5.15', branch: 'linux-5.15.y', based_on: '5.15.180', repository: 'upstream' },
    { name: 'scratch', branch: 'scratch' },
  ],
});

test('the ladder is asked once per repository for the whole batch', async () => {
  const calls: { repository: string; commits: number; branches: readonly string[] }[] = [];
  const ladderFor =
    (repository: string): FindOnBranches =>
    async (commits, branches) => {
      calls.push({ repository, commits: commits.length, branches });
      return branches.flatMap((branch) =>
        commits.map(
          (commit): CommitOnBranch => ({
            commit,
            branch,
            state: 'missing',
            via: null,
            match: null,
            weak: false,
          }),
        ),
      );
    };
  const result = await runCveIntake({
    messages: [
      message('CVE-2020-36781'),
      message('CVE-2025-21818', 'rejected'),
      message('CVE-2022-48993', 'rejected'),
    ],
    config,
    ladderFor,
  });
  assert.deepEqual(
    calls.map((c) => [c.repository, c.branches]),
    [
      ['downstream', ['rhel-9']],
      ['upstream', ['linux-5.10.y', 'linux-5.15.y']],
    ],
  );
  assert.equal(calls[0]!.commits, 5 + 11 + 6, 'every commit of the three announcements, once');
  assert.deepEqual(
    result.items.map((i) => i.decisions.map((d) => `${d.stream}:${d.verdict}`)),
    [
      ['rhel-9:not-affected', 'lts-5.10:affected', 'lts-5.15:not-affected'],
      ['rhel-9:not-affected', 'lts-5.10:not-affected', 'lts-5.15:affected'],
      ['rhel-9:affected', 'lts-5.10:affected', 'lts-5.15:not-affected'],
    ],
  );
  // Every decision came from the ladder's answers, none says it did not run.
  assert.ok(result.items.every((i) => i.decisions.every((d) => !/did not check/.test(d.reason))));
});

test('cve.streams picks streams by name; an unknown name is a configuration error', () => {
  assert.deepEqual(
    cveStreams(config).map((s) => s.name),
    ['rhel-9', 'lts-5.10', 'lts-5.15'],
    'by default every stream with based_on',
  );
  const picked = ferryConfig.parse({ ...config, cve: { streams: ['scratch', 'rhel-9'] } });
  assert.deepEqual(
    cveStreams(picked).map((s) => s.name),
    ['scratch', 'rhel-9'],
  );
  assert.throws(
    () => cveStreams(ferryConfig.parse({ ...config, cve: { streams: ['rhel-8'] } })),
    /cve\.streams: names 'rhel-8', which is not a configured stream \(rhel-9, lts-5\.10, lts-5\.15, scratch\)/,
  );
});
