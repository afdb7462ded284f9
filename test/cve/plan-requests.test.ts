import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { assessStreams, commitsToCheck, type StreamTarget } from '../../src/sources/cve/affected.js';
import { parseAnnouncement } from '../../src/sources/cve/parse.js';
import {
  type CveRequestAction,
  type CveRequestFields,
  type ExistingCveRequest,
  planCveRequests,
} from '../../src/sources/cve/plan-requests.js';
import { routeFiles } from '../../src/sources/cve/route.js';
import { KERNEL_CVES } from '../helpers/shared-data.js';

const DATA = KERNEL_CVES;
const mbox = (id: string) => readFileSync(path.join(DATA, 'published', `${id}.mbox`), 'utf8');
const announcement = parseAnnouncement(mbox('CVE-2020-36781'));

const streams: StreamTarget[] = [
  { name: 'rhel-9.6', branch: 'rhel-9.6', based_on: '5.14' },
  { name: 'lts-5.10', branch: 'lts-5.10', based_on: '5.10.20' },
  { name: 'lts-5.8', branch: 'lts-5.8', based_on: '5.8' },
];
const routing = routeFiles(announcement.files, {
  ownership: [{ pattern: 'drivers/i2c/', component: 'kernel / i2c', assignee: 'i2c@example.com' }],
});
const nothingOnBranches = async (commits: readonly string[], branches: readonly string[]) =>
  branches.flatMap((branch) =>
    commits.map((commit) => ({
      commit,
      branch,
      state: 'missing' as const,
      via: null,
      match: null,
      weak: false,
    })),
  );

/** A tracker in memory: applies actions the way an adapter would, so re-planning sees the result. */
function applyAll(existing: ExistingCveRequest[], actions: CveRequestAction[]): ExistingCveRequest[] {
  const next = existing.map((r) => ({ ...r, fields: { ...r.fields } }));
  for (const a of actions) {
    if (a.kind === 'create')
      next.push({
        id: `ISSUE-${next.length + 1}`,
        cve: a.cve,
        stream: a.stream,
        state: 'open',
        fields: { ...a.fields },
      });
    else {
      const r = next.find((x) => x.id === a.id)!;
      if (a.kind === 'update') Object.assign(r.fields, a.changes);
      else r.state = 'closed';
    }
  }
  return next;
}

test('one request per affected stream; importing the same mail again changes nothing', async () => {
  const decisions = await assessStreams(announcement, streams, nothingOnBranches);
  const first = planCveRequests({ cve: announcement, decisions, routing, existing: [] });
  assert.deepEqual(
    first.map((a) => [a.kind, a.stream]),
    [
      ['create', 'lts-5.10'],
      ['create', 'lts-5.8'],
    ],
  );
  const created = first[0] as Extract<CveRequestAction, { kind: 'create' }>;
  assert.deepEqual(created.fields, {
    title: 'CVE-2020-36781: i2c: imx: fix reference leak when pm_runtime_get_sync fails [lts-5.10]',
    cve: 'CVE-2020-36781',
    stream: 'lts-5.10',
    verdict: 'affected',
    plan: 'update-or-backport',
    commit_hashes: ['47ff617217ca6a13194fcb35c6c3a0c57c080693'],
    alternatives: [
      '3a0cdd336d92c429b51a79bf4f64b17eafa0325d',
      'ff406f6cd09c273337ab4854292e4aca48f8affd',
      '1ecc0ebc2ebbad4a22a670a07d27a21fa0b59c77',
    ],
    update_to: '5.10.37',
    component: 'kernel / i2c',
    assignee: 'i2c@example.com',
    severity: null,
  } satisfies CveRequestFields);
  assert.match(created.comment, /^CVE-2020-36781 on lts-5\.10: affected: introduced in 5\.7/);
  assert.match(
    created.comment,
    /Routing: drivers\/i2c\/busses\/i2c-imx\.c → kernel \/ i2c, i2c@example\.com/,
  );

  const tracker = applyAll([], first);
  const again = await assessStreams(parseAnnouncement(mbox('CVE-2020-36781')), streams, nothingOnBranches);
  assert.deepEqual(planCveRequests({ cve: announcement, decisions: again, routing, existing: tracker }), []);
});

test('a later announcement with new hashes updates only what changed', async () => {
  const decisions = await assessStreams(announcement, streams, nothingOnBranches);
  const tracker = applyAll([], planCveRequests({ cve: announcement, decisions, routing, existing: [] }));
  // The team's record gained a 5.8 stable fix (as updates to records do): 5.8 can now update.
  const updated = parseAnnouncement(
    mbox('CVE-2020-36781').replace(
      /(\tIssue introduced in 5\.7 with commit 3a5ee18d2a32bda6b9a1260136f6805848e3839d and fixed in 5\.10\.37)/,
      '\tIssue introduced in 5.7 with commit 3a5ee18d2a32bda6b9a1260136f6805848e3839d and fixed in 5.8.18 with commit 0123456789abcdef0123456789abcdef01234567\n$1',
    ),
  );
  const actions = planCveRequests({
    cve: updated,
    decisions: await assessStreams(updated, streams, nothingOnBranches),
    routing,
    existing: tracker,
  });
  assert.deepEqual(
    actions.map((a) => (a.kind === 'update' ? [a.id, a.stream, Object.keys(a.changes)] : a.kind)),
    [
      ['ISSUE-1', 'lts-5.10', ['alternatives']],
      ['ISSUE-2', 'lts-5.8', ['plan', 'alternatives', 'update_to']],
    ],
  );
  const u = actions[1] as Extract<CveRequestAction, { kind: 'update' }>;
  assert.equal(u.changes.update_to, '5.8.18');
});

test("a person's change on the tracker is kept unless Ferry's own view changes", async () => {
  const decisions = await assessStreams(announcement, streams, nothingOnBranches);
  const [create] = planCveRequests({ cve: announcement, decisions, routing, existing: [] }) as Extract<
    CveRequestAction,
    { kind: 'create' }
  >[];
  const reassigned: ExistingCveRequest = {
    id: 'ISSUE-7',
    cve: announcement.cve,
    stream: 'lts-5.10',
    state: 'open',
    fields: { ...create!.fields, assignee: 'someone-else@example.com' },
    written: create!.fields,
  };
  const only510 = decisions.filter((d) => d.stream === 'lts-5.10');
  assert.deepEqual(
    planCveRequests({ cve: announcement, decisions: only510, routing, existing: [reassigned] }),
    [],
  );
  // Without knowing what Ferry wrote, the tracker's value is all there is to compare with.
  const { written: _, ...unknown } = reassigned;
  const [fix] = planCveRequests({ cve: announcement, decisions: only510, routing, existing: [unknown] });
  assert.deepEqual(fix?.kind === 'update' && fix.changes, { assignee: 'i2c@example.com' });
});

test('what Ferry wrote, read back from a store that reorders object keys (jsonb), is still the same', async () => {
  const withSeverity = parseAnnouncement(
    mbox('CVE-2020-36781').replace(
      /\nAffected and fixed versions/,
      '\nSeverity\n========\n\n  CVSS v3.1: 7.8 HIGH\n  Vector:    CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H\n\nAffected and fixed versions',
    ),
  );
  assert.equal(withSeverity.severity?.rating, 'HIGH');
  const decisions = (await assessStreams(withSeverity, streams, nothingOnBranches)).filter(
    (d) => d.stream === 'lts-5.10',
  );
  const [create] = planCveRequests({ cve: withSeverity, decisions, routing, existing: [] }) as Extract<
    CveRequestAction,
    { kind: 'create' }
  >[];
  const reversed = (o: object) => Object.fromEntries(Object.entries(o).reverse());
  const stored: ExistingCveRequest = {
    id: 'ISSUE-1',
    cve: withSeverity.cve,
    stream: 'lts-5.10',
    state: 'open',
    fields: { commit_hashes: create!.fields.commit_hashes },
    written: {
      ...reversed(create!.fields),
      severity: reversed(create!.fields.severity!),
    } as CveRequestFields,
  };
  assert.deepEqual(planCveRequests({ cve: withSeverity, decisions, routing, existing: [stored] }), []);
});

test('a stream found fixed later: its open request gets the verdict, not new hashes', async () => {
  const decisions = await assessStreams(announcement, streams, nothingOnBranches);
  const tracker = applyAll([], planCveRequests({ cve: announcement, decisions, routing, existing: [] }));
  const later = await assessStreams(announcement, streams, async (commits, branches) =>
    (await nothingOnBranches(commits, branches)).map((f) =>
      f.branch === 'lts-5.8' && f.commit.startsWith('47ff6172')
        ? { ...f, state: 'present' as const, via: 'provenance' as const, match: 'f'.repeat(40) }
        : f,
    ),
  );
  const actions = planCveRequests({ cve: announcement, decisions: later, routing, existing: tracker });
  assert.equal(actions.length, 1);
  assert.deepEqual(actions[0]!.kind === 'update' && actions[0]!.changes, { verdict: 'fixed', plan: 'none' });
  assert.match(
    actions[0]!.comment,
    /fixed already: the fix 47ff617217ca \(5\.13\) is on lts-5\.8 as ffffffffffff/,
  );
  assert.deepEqual(commitsToCheck(announcement).length, 5);
});

test('REJECTED: the open requests of that CVE are closed with a note; nothing is created; once only', async () => {
  const decisions = await assessStreams(announcement, streams, nothingOnBranches);
  const tracker = applyAll([], planCveRequests({ cve: announcement, decisions, routing, existing: [] }));
  tracker.push({ id: 'OTHER-1', cve: 'CVE-2099-0001', stream: 'lts-5.10', state: 'open', fields: {} });
  tracker[1]!.state = 'closed';
  const rejection = parseAnnouncement(
    `Subject: REJECTED: CVE-2020-36781: ${announcement.subject}\n\n\nCVE-2020-36781 has now been rejected and is no longer a valid CVE.\n`,
  );
  const actions = planCveRequests({
    cve: rejection,
    decisions: await assessStreams(rejection, streams, nothingOnBranches),
    routing,
    existing: tracker,
  });
  assert.deepEqual(
    actions.map((a) => [a.kind, a.kind === 'create' ? '' : a.id]),
    [['close', 'ISSUE-1']],
  );
  assert.match(
    actions[0]!.comment,
    /^CVE-2020-36781 was rejected by the Linux kernel CVE team and is no longer a valid CVE/,
  );
  const after = applyAll(tracker, actions);
  assert.deepEqual(planCveRequests({ cve: rejection, decisions: [], routing, existing: after }), []);
  assert.deepEqual(planCveRequests({ cve: rejection, decisions: [], routing, existing: [] }), []);
  // The original mail imported again afterwards does not reopen or duplicate closed requests.
  assert.deepEqual(planCveRequests({ cve: announcement, decisions, routing, existing: after }), []);
});
