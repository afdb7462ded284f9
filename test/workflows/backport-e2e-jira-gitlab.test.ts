import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, describe, test } from 'node:test';
import { listLedger } from '../../src/store/ledger.js';
import { adfToText, textToAdf } from '../../src/trackers/jira/adf.js';
import { GitLabFake, type MrRec } from '../fakes/gitlab.js';
import { JiraFake, type JiraIssueRec } from '../fakes/jira.js';
import {
  attemptsOf,
  FAST_RETRY,
  type FlowService,
  startFlowService,
  waitForJobs,
} from '../helpers/flow-service.js';
import { FixtureRepo } from '../helpers/git-fixture.js';
import { backends } from '../helpers/store.js';
import { jiraHeaders } from '../helpers/webhooks.js';

/**
 * The seed's own shape, end to end: a Jira issue whose Commit Hashes field is filled sends a
 * signed `jira:issue_updated` webhook to `ferry serve`; the worker reads the issue back from a
 * fake Jira Cloud (REST v3), picks onto the stream its Fix Version names, pushes the bot branch
 * to the real downstream repository, opens a draft merge request on a fake GitLab (REST v4), adds
 * a remote link to it on the issue, and reports with a label and a comment. The repositories are
 * real (built by `buildDemo`): fix A applies to stream 2.0, fix B conflicts on 1.0.
 */

const PROJECT = 'RHEL';
const GITLAB_PROJECT = 'rhel/kernel';
const FIELD = 'customfield_12345';
const JIRA_EMAIL = 'ferry-bot@example.com';
const JIRA_TOKEN = 'jira-api-token';
const GITLAB_TOKEN = 'glpat-e2e-token';
const SECRET = 'e2e-jira-webhook-secret';

// biome-ignore lint/suspicious/noExplicitAny: the webhook payload, as Jira documents it
type Json = any;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/jira/${name}`, import.meta.url), 'utf8'));
const FIXTURE: Json = fixture('issue-updated.json');
const COMMENT_FIXTURE: Json = fixture('comment-created.json');

interface World extends FlowService {
  jira: JiraFake;
  gitlab: GitLabFake;
  deliver(payload: unknown, id?: string): Promise<Response>;
}

const open: World[] = [];
// After each test: its service and fakes stop (the test store is closed by its helper).
afterEach(async () => {
  for (const w of open.splice(0)) {
    await w.service.stop();
    await w.jira.close();
    await w.gitlab.close();
  }
});

async function world(backend: 'pglite' | 'postgres'): Promise<World> {
  const jira = await new JiraFake({
    project: PROJECT,
    versions: ['2.0', '1.0'],
    customFields: { [FIELD]: 'textarea' },
    credentials: { basic: `${JIRA_EMAIL}:${JIRA_TOKEN}` },
  }).start();
  const gitlab = await new GitLabFake(GITLAB_TOKEN).start();
  const flow = await startFlowService(backend, {
    before: async (setup) => {
      gitlab.addProject(GITLAB_PROJECT, setup.downstream);
    },
    config: (setup) => ({
      trackers: {
        jira: {
          kind: 'jira',
          url: jira.url,
          project: PROJECT,
          auth: { kind: 'basic', email_env: 'JIRA_EMAIL', token_env: 'JIRA_TOKEN' },
          fields: { commit_hashes: FIELD },
          retry: FAST_RETRY,
        },
      },
      forges: {
        gitlab: {
          kind: 'gitlab',
          url: gitlab.url,
          project: GITLAB_PROJECT,
          auth: { token_env: 'GITLAB_TOKEN' },
          push_url: setup.downstream,
          repository: 'downstream',
          retry: FAST_RETRY,
        },
      },
      server: { webhooks: { jira: { secret_env: 'JIRA_SECRET' } }, worker: { lease_seconds: 5 } },
    }),
    env: { JIRA_EMAIL, JIRA_TOKEN, GITLAB_TOKEN, JIRA_SECRET: SECRET },
  });
  const w: World = {
    ...flow,
    jira,
    gitlab,
    deliver: (payload, id) => {
      const body = JSON.stringify(payload);
      return fetch(`${flow.service.url}/webhooks/jira`, {
        method: 'POST',
        headers: jiraHeaders(body, SECRET, id),
        body,
      });
    },
  };
  open.push(w);
  return w;
}

/** An issue as Product Security files it: New, one Fix Version, the hashes in the custom field. */
function seedIssue(w: World, o: { fixVersion: string; hashes: string[] }): JiraIssueRec {
  return w.jira.seedIssue({
    summary: 'CVE-2024-26581 kernel: backport request',
    status: 'New',
    fixVersions: [o.fixVersion],
    labels: ['CVE-2024-26581'],
    fields: { [FIELD]: textToAdf(o.hashes.join('\n')) },
  });
}

/** The fixture's `jira:issue_updated` (the Commit Hashes field was set), pointed at the seeded issue. */
function hashesUpdated(rec: JiraIssueRec, hashes: string[]): Json {
  const p = structuredClone(FIXTURE);
  p.issue.id = String(rec.id);
  p.issue.key = rec.key;
  p.issue.self = `${FIXTURE.issue.self.replace(/\d+$/, '')}${rec.id}`;
  p.issue.fields.summary = rec.summary;
  p.issue.fields.status = { name: rec.status, id: '10000' };
  p.issue.fields.labels = rec.labels;
  p.issue.fields.fixVersions = rec.fixVersions.map((name, i) => ({
    id: String(10_100 + i),
    name,
    archived: false,
    released: false,
  }));
  p.issue.fields[FIELD] = hashes.join('\n');
  p.changelog.items[0].toString = hashes.join('\n');
  return p;
}

/** The fixture's `comment_created`: a person's comment on the seeded issue. */
function commented(rec: JiraIssueRec, body: string): Json {
  const p = structuredClone(COMMENT_FIXTURE);
  p.issue.id = String(rec.id);
  p.issue.key = rec.key;
  p.issue.self = `${COMMENT_FIXTURE.issue.self.replace(/\d+$/, '')}${rec.id}`;
  p.issue.fields.summary = rec.summary;
  p.comment.body = body;
  return p;
}

async function fileIssue(w: World, o: { fixVersion: string; hashes: string[] }) {
  const rec = seedIssue(w, o);
  const res = await w.deliver(hashesUpdated(rec, o.hashes));
  assert.equal(res.status, 202, await res.text());
  return rec;
}

function mrs(w: World): MrRec[] {
  return [...w.gitlab.project(GITLAB_PROJECT).mrs.values()];
}

function comments(w: World, key: string): string[] {
  return w.jira.issue(key).comments.map((c) => adfToText(c.body));
}

function assertNoViolations(w: World) {
  assert.deepEqual(w.jira.violations, []);
  assert.deepEqual(w.gitlab.violations, []);
}

for (const backend of backends()) {
  describe(`Jira-driven backports to GitLab end to end (${backend})`, () => {
    test('clean: jira:issue_updated → draft MR from the bot branch, remote link; success label and one comment', async () => {
      const w = await world(backend);
      const fixA = w.setup.requests[0]!.fix;
      const rec = await fileIssue(w, {
        fixVersion: '2.0',
        hashes: [fixA, 'see also the mailing list thread'],
      });
      await waitForJobs(w.store);

      const [attempt] = await attemptsOf(w.store);
      assert.equal(attempt?.state, 'opened', attempt?.reason ?? '');
      const all = mrs(w);
      assert.equal(all.length, 1);
      const mr = all[0]!;
      const branch = `ferry/${rec.key}-2.0`;
      assert.equal(mr.source_branch, branch);
      assert.equal(mr.target_branch, 'stable/2.0');
      assert.equal(mr.state, 'opened');
      // GitLab has no draft flag on create: the title prefix makes the MR a draft
      assert.match(mr.title, /^Draft: /);
      assert.deepEqual(mr.labels, ['ferry-backport']);
      assert.match(mr.description ?? '', new RegExp(`${fixA.slice(0, 12)}.*applied cleanly`));
      assert.match(mr.description ?? '', /mark this merge request ready/);
      assert.match(mr.description ?? '', /`see also the mailing list thread`/);
      const mrUrl = `https://gitlab.example.com/${GITLAB_PROJECT}/-/merge_requests/${mr.iid}`;
      assert.equal(attempt!.mrUrl, mrUrl);

      // the issue: a remote link to the MR (keyed by its URL), the success label, one comment
      const issue = w.jira.issue(rec.key);
      assert.deepEqual(
        issue.remoteLinks.map((l) => [l.globalId, l.relationship, l.object.url]),
        [[mrUrl, 'merge request', mrUrl]],
      );
      assert.deepEqual(issue.labels, ['CVE-2024-26581', 'ferry-backport-success']);
      const bodies = comments(w, rec.key);
      assert.equal(bodies.length, 1, JSON.stringify(bodies));
      assert.match(bodies[0]!, /Ferry made a draft merge request/);
      assert.ok(bodies[0]!.includes(mrUrl), bodies[0]);
      assert.deepEqual(
        issue.comments[0]!.properties.map((p) => p.key),
        ['ferry'],
        'the marker is a comment property, not text',
      );

      // the bot branch in the downstream repository: one commit on the stream, provenance kept
      const remote = new FixtureRepo(w.setup.downstream);
      assert.match(remote.message(branch), new RegExp(`\\(cherry picked from commit ${fixA}\\)`));
      assert.equal(remote.git(['log', '-1', '--format=%an|%cn', branch]), 'Ada Upstream|Ferry Backport Bot');
      assert.equal(remote.git(['rev-parse', `${branch}^`]), remote.rev('stable/2.0'));

      assert.deepEqual(
        attempt!.steps.map((s) => `${s.step}:${s.outcome}`),
        [
          'trigger:ok',
          'fetch:ok',
          'resolve:ok',
          'policy:ok',
          'pick:ok',
          'push:ok',
          'merge-request:ok',
          'report:ok',
        ],
      );
      const ledger = await listLedger(w.store.db, {});
      assert.deepEqual(
        ledger.map((l) => [l.change, l.branch, l.state]),
        [[fixA, 'stable/2.0', 'in_review']],
      );
      assertNoViolations(w);
    });

    test('conflict: failure label and one comment naming the file, with the ferry pick command; no MR', async () => {
      const w = await world(backend);
      const fixB = w.setup.requests[1]!.fix;
      const rec = await fileIssue(w, { fixVersion: '1.0', hashes: [fixB] });
      await waitForJobs(w.store);

      const [attempt] = await attemptsOf(w.store);
      assert.equal(attempt?.state, 'conflicted', attempt?.reason ?? '');
      assert.deepEqual(mrs(w), []);
      assert.equal(w.gitlab.count('POST', /\/merge_requests$/), 0);
      const issue = w.jira.issue(rec.key);
      assert.deepEqual(issue.labels, ['CVE-2024-26581', 'ferry-backport-failure']);
      assert.deepEqual(issue.remoteLinks, []);
      const bodies = comments(w, rec.key);
      assert.equal(bodies.length, 1, JSON.stringify(bodies));
      assert.match(bodies[0]!, /`src\/fs\.c`: content \(lines 10-12 on 1\.0\)/);
      assert.match(bodies[0]!, new RegExp(`ferry pick ${fixB.slice(0, 12)} --to stable/1\\.0 --dry-run`));
      const remote = new FixtureRepo(w.setup.downstream);
      assert.equal(remote.git(['branch', '--list', 'ferry/*']), '', 'no bot branch pushed');
      const ledger = await listLedger(w.store.db, {});
      assert.deepEqual(
        ledger.map((l) => [l.change, l.branch, l.state]),
        [[fixB, 'stable/1.0', 'conflicted']],
      );
      assertNoViolations(w);
    });

    test('redelivery: the same delivery twice, and the same event under a new identifier, give one MR and one comment', async () => {
      const w = await world(backend);
      const fixA = w.setup.requests[0]!.fix;
      const rec = seedIssue(w, { fixVersion: '2.0', hashes: [fixA] });
      const payload = hashesUpdated(rec, [fixA]);
      const first = await w.deliver(payload, 'a3f1c2d4-0000-4000-8000-000000000001');
      // Jira retries a delivery it got no answer for under the same X-Atlassian-Webhook-Identifier
      const again = await w.deliver(payload, 'a3f1c2d4-0000-4000-8000-000000000001');
      assert.equal(first.status, 202);
      assert.equal(again.status, 200, 'a replayed delivery is acknowledged, not stored twice');
      await waitForJobs(w.store);
      const other = await w.deliver(payload, 'a3f1c2d4-0000-4000-8000-000000000002');
      assert.equal(other.status, 202);
      await waitForJobs(w.store);

      assert.equal(mrs(w).length, 1);
      assert.equal(w.gitlab.count('POST', /\/merge_requests$/), 1);
      const issue = w.jira.issue(rec.key);
      assert.equal(issue.remoteLinks.length, 1);
      assert.deepEqual(issue.labels, ['CVE-2024-26581', 'ferry-backport-success']);
      assert.equal(comments(w, rec.key).length, 1, JSON.stringify(comments(w, rec.key)));
      const attempts = await attemptsOf(w.store);
      assert.deepEqual(attempts.map((a) => a.state).sort(), ['opened', 'rejected']);
      assert.match(
        attempts.find((a) => a.state === 'rejected')!.reason ?? '',
        /a merge request is already linked to the issue/,
      );
      assertNoViolations(w);
    });

    test('a /backport comment on the issue: the hashes and stream it names, a draft MR', async () => {
      const w = await world(backend);
      const fixA = w.setup.requests[0]!.fix;
      // the Commit Hashes field is empty: the command alone asks for the backport
      const rec = seedIssue(w, { fixVersion: '2.0', hashes: [] });
      const res = await w.deliver(commented(rec, `Also needed:\n/backport ${fixA.slice(0, 12)} to 2.0`));
      const answer = (await res.json()) as { job: number | null };
      assert.equal(res.status, 202, JSON.stringify(answer));
      assert.notEqual(answer.job, null, `the delivery made a job: ${JSON.stringify(answer)}`);
      await waitForJobs(w.store);
      const [attempt] = await attemptsOf(w.store);
      assert.equal(attempt?.state, 'opened', attempt?.reason ?? '');
      assert.deepEqual(
        mrs(w).map((m) => [m.source_branch, m.target_branch]),
        [[`ferry/${rec.key}-2.0`, 'stable/2.0']],
      );
      assert.deepEqual(w.jira.issue(rec.key).labels, ['CVE-2024-26581', 'ferry-backport-success']);
      assert.equal(comments(w, rec.key).length, 1);
      assertNoViolations(w);
    });
  });
}
