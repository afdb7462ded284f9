import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { listLedger } from '../../src/store/ledger.js';
import { listJobs } from '../../src/store/queue.js';
import { GitHubFake } from '../fakes/github/server.js';
import { problemsAddedByEdit, webhookExample } from '../fakes/github/webhooks.js';
import {
  attemptsOf as attemptsOfStore,
  FAST_RETRY,
  type FlowService,
  startFlowService,
  waitForJobs,
} from '../helpers/flow-service.js';
import { FixtureRepo } from '../helpers/git-fixture.js';
import { backends } from '../helpers/store.js';
import { githubHeaders } from '../helpers/webhooks.js';

/**
 * The whole flow, end to end: a signed GitHub webhook reaches `ferry serve`, is stored, becomes
 * a job; the worker checks the trigger conditions, picks onto the stream, pushes the bot branch,
 * opens a draft PR on a fake api.github.com that validates every call against GitHub's OpenAPI
 * description, links it, labels and comments the issue. The repositories are real (built by
 * `buildDemo`): fix A applies to stream 2.0, fix B conflicts on 1.0.
 */

const REPO = 'acme/product';
const TOKEN = 'ghp_e2e_token';
const SECRET = 'e2e-webhook-secret';

interface World extends FlowService {
  fake: GitHubFake;
  deliver(event: string, payload: unknown, id?: string): Promise<Response>;
  waitForJobs(): Promise<void>;
}

const open: World[] = [];
// After each test: its service and fake stop (the test store is closed by its helper).
afterEach(async () => {
  for (const w of open.splice(0)) {
    await w.service.stop();
    await w.fake.close();
  }
});

async function world(
  backend: 'pglite' | 'postgres',
  edit: (cfg: Record<string, unknown>) => void = () => {},
): Promise<World> {
  const fake = await new GitHubFake({ token: TOKEN }).start();
  const flow = await startFlowService(backend, {
    before: async (setup) => {
      fake.addRepo(REPO, setup.downstream);
    },
    config: (setup) => ({
      trackers: {
        gh: {
          kind: 'github',
          api_url: fake.url,
          repo: REPO,
          auth: { kind: 'token', token_env: 'GH_TOKEN' },
          retry: FAST_RETRY,
        },
      },
      forges: {
        gh: {
          kind: 'github',
          api_url: fake.url,
          repo: REPO,
          auth: { kind: 'token', token_env: 'GH_TOKEN' },
          push_url: setup.downstream,
          repository: 'downstream',
          retry: FAST_RETRY,
        },
      },
      server: { webhooks: { github: { secret_env: 'GH_SECRET' } }, worker: { lease_seconds: 5 } },
    }),
    edit,
    env: { GH_TOKEN: TOKEN, GH_SECRET: SECRET },
  });
  const w: World = {
    ...flow,
    fake,
    deliver: (event, payload, id) => {
      const body = JSON.stringify(payload);
      return fetch(`${flow.service.url}/webhooks/github`, {
        method: 'POST',
        headers: githubHeaders(event, body, SECRET, id as ReturnType<typeof crypto.randomUUID> | undefined),
        body,
      });
    },
    waitForJobs: () => waitForJobs(flow.store),
  };
  open.push(w);
  return w;
}

function issueBody(fixVersion: string, hashes: string[]): string {
  return `Please backport.\n\n### Fix version\n\n${fixVersion}\n\n### Commit hashes\n\n${hashes.join('\n')}\n`;
}

/** A real `issues.opened` payload from @octokit/webhooks-examples, pointed at the seeded issue. */
function openedPayload(number: number, title: string, body: string, state: 'open' | 'closed' = 'open') {
  const p = webhookExample('issues', 'opened');
  p.repository.full_name = REPO;
  p.repository.name = REPO.split('/')[1];
  p.repository.owner.login = REPO.split('/')[0];
  Object.assign(p.issue, { number, title, body, state, labels: [] });
  assert.deepEqual(problemsAddedByEdit('issues', 'opened', p), []);
  return p;
}

async function fileIssue(w: World, o: { fixVersion: string; hashes: string[]; labels?: string[] }) {
  const rec = w.fake.seedIssue(REPO, {
    title: 'Backport request',
    body: issueBody(o.fixVersion, o.hashes),
    labels: o.labels ?? [],
  });
  const res = await w.deliver('issues', openedPayload(rec.number, rec.title, rec.body!));
  assert.equal(res.status, 202, await res.text());
  return rec;
}

async function attemptsOf(w: World) {
  return attemptsOfStore(w.store);
}

/** GitHub issues get two comments from Ferry: the link to the PR, and the report; each once. */
function assertOneReport(w: World, number: number) {
  const bodies = w.fake.issue(REPO, number).comments.map((c) => c.body);
  assert.equal(bodies.filter((b) => /Ferry made a draft merge request/.test(b)).length, 1, 'one report');
  assert.equal(bodies.length, 2, `the link and the report, nothing twice: ${JSON.stringify(bodies)}`);
}

function assertNoSideEffects(w: World, number: number, labelsBefore: string[] = []) {
  const issue = w.fake.issue(REPO, number);
  assert.deepEqual(issue.labels, labelsBefore, 'no label added');
  assert.deepEqual(issue.comments, [], 'no comment posted');
  assert.deepEqual(w.fake.pulls(REPO), [], 'no pull request opened');
  assert.equal(w.fake.count('POST', /\/pulls$/), 0);
}

for (const backend of backends()) {
  describe(`issue-driven backports end to end (${backend})`, () => {
    test('clean: webhook → draft PR on the bot branch, linked; success label and one comment', async () => {
      const w = await world(backend);
      const fixA = w.setup.requests[0]!.fix;
      const rec = await fileIssue(w, {
        fixVersion: '2.0',
        hashes: [fixA.slice(0, 12), 'see also the mailing list thread'],
      });
      await w.waitForJobs();

      const [attempt] = await attemptsOf(w);
      assert.equal(attempt?.state, 'opened', attempt?.reason ?? '');
      const pulls = w.fake.pulls(REPO);
      assert.equal(pulls.length, 1);
      const pr = pulls[0]!;
      assert.equal(pr.pull!.draft, true);
      assert.equal(pr.pull!.headRef, `ferry/acme-product-${rec.number}-2.0`);
      assert.equal(pr.pull!.base, 'stable/2.0');
      assert.match(pr.body ?? '', new RegExp(`${fixA.slice(0, 12)}.*applied cleanly`));
      assert.match(pr.body ?? '', /mark this merge request ready/);
      assert.match(
        pr.body ?? '',
        /`see also the mailing list thread`/,
        'other lines are reported, not dropped',
      );

      const issue = w.fake.issue(REPO, rec.number);
      assert.deepEqual(issue.labels, ['ferry-backport-success']);
      assertOneReport(w, rec.number);

      // the bot branch holds a proper backport: author kept, provenance line, bot as committer
      const remote = new FixtureRepo(w.setup.downstream);
      assert.match(remote.message(pr.pull!.headRef), new RegExp(`\\(cherry picked from commit ${fixA}\\)`));
      assert.equal(
        remote.git(['log', '-1', '--format=%an|%cn', pr.pull!.headRef]),
        'Ada Upstream|Ferry Backport Bot',
      );
      assert.equal(remote.git(['rev-parse', `${pr.pull!.headRef}^`]), remote.rev('stable/2.0'));

      const steps = attempt!.steps.map((s) => `${s.step}:${s.outcome}`);
      assert.deepEqual(steps, [
        'trigger:ok',
        'fetch:ok',
        'resolve:ok',
        'policy:ok',
        'pick:ok',
        'push:ok',
        'merge-request:ok',
        'report:ok',
      ]);
      const ledger = await listLedger(w.store.db, {});
      assert.deepEqual(
        ledger.map((l) => [l.change, l.branch, l.state]),
        [[fixA, 'stable/2.0', 'in_review']],
      );
      assert.deepEqual(w.fake.violations, []);
    });

    test('conflict: failure label and a comment with files, prerequisites and the ferry pick command; no PR', async () => {
      const w = await world(backend);
      const fixB = w.setup.requests[1]!.fix;
      const rec = await fileIssue(w, { fixVersion: '1.0', hashes: [fixB] });
      await w.waitForJobs();
      const [attempt] = await attemptsOf(w);
      assert.equal(attempt?.state, 'conflicted');
      assert.deepEqual(w.fake.pulls(REPO), []);
      const issue = w.fake.issue(REPO, rec.number);
      assert.deepEqual(issue.labels, ['ferry-backport-failure']);
      assert.equal(issue.comments.length, 1);
      const body = issue.comments[0]!.body;
      assert.match(body, /`src\/fs\.c`: content \(lines 10-12 on 1\.0\)/);
      assert.match(body, /fs: rework buffer handling — changed the lines of src\/fs\.c/);
      assert.match(body, new RegExp(`ferry pick ${fixB.slice(0, 12)} --to stable/1\\.0 --dry-run`));
      const ledger = await listLedger(w.store.db, {});
      assert.deepEqual(
        ledger.map((l) => l.state),
        ['conflicted'],
      );
      assert.deepEqual(w.fake.violations, []);
    });

    describe('each trigger condition refuses with its reason and no side effect', () => {
      const cases: [string, (w: World) => Promise<number>, RegExp][] = [
        [
          'status: a closed issue',
          async (w) => {
            const rec = w.fake.seedIssue(REPO, {
              title: 't',
              body: issueBody('2.0', [w.setup.requests[0]!.fix]),
            });
            rec.state = 'closed';
            const res = await w.deliver('issues', openedPayload(rec.number, rec.title, rec.body!, 'closed'));
            assert.equal(res.status, 202);
            return rec.number;
          },
          /the issue's status is closed; automated backports start only in open/,
        ],
        [
          'fix version: no stream has it',
          async (w) => (await fileIssue(w, { fixVersion: '9.9', hashes: [w.setup.requests[0]!.fix] })).number,
          /no configured stream has Fix Version 9\.9 \(known: 2\.0, 1\.0\)/,
        ],
        [
          'the stream does not take backports (retired)',
          async (w) => (await fileIssue(w, { fixVersion: '1.0', hashes: [w.setup.requests[0]!.fix] })).number,
          /stream 1\.0 is retired; it takes no more backports/,
        ],
        [
          'an MR is already linked',
          async (w) => {
            const rec = w.fake.seedIssue(REPO, {
              title: 't',
              body: issueBody('2.0', [w.setup.requests[0]!.fix]),
            });
            // a person opened a PR that references the issue: GitHub cross-references it
            const pr = w.fake.seedIssue(REPO, {
              title: `Fix for #${rec.number}`,
              body: `Fixes #${rec.number}`,
            });
            rec.crossRefs.push({ fromRepo: REPO, number: pr.number, at: new Date().toISOString() });
            pr.pull = {
              headRef: 'someone/fix',
              headRepo: REPO,
              base: 'stable/2.0',
              draft: false,
              merged: false,
              reviews: [],
            };
            const res = await w.deliver('issues', openedPayload(rec.number, rec.title, rec.body!));
            assert.equal(res.status, 202);
            return rec.number;
          },
          /a merge request is already linked to the issue/,
        ],
        [
          'an earlier attempt label',
          async (w) =>
            (
              await fileIssue(w, {
                fixVersion: '2.0',
                hashes: [w.setup.requests[0]!.fix],
                labels: ['ferry-backport-failure'],
              })
            ).number,
          /already has the label ferry-backport-failure from an earlier attempt; remove it to try again/,
        ],
        [
          'no line looks like a commit hash',
          async (w) =>
            (await fileIssue(w, { fixVersion: '2.0', hashes: ['the fix from last week', 'TBD'] })).number,
          /no line of the commit hashes field looks like a commit hash \(the fix from last week; TBD\)/,
        ],
      ];
      for (const [label, file, reason] of cases) {
        test(label, async () => {
          const w = await world(backend, (cfg) => {
            if (label.startsWith('the stream')) (cfg.streams as { state: string }[])[1]!.state = 'retired';
          });
          const number = await file(w);
          await w.waitForJobs();
          const [attempt] = await attemptsOf(w);
          assert.equal(attempt?.state, 'rejected');
          assert.match(attempt!.reason ?? '', reason);
          if (label.startsWith('an MR')) {
            assert.equal(w.fake.pulls(REPO).length, 1, 'only the PR the person opened');
            assert.deepEqual(w.fake.issue(REPO, number).labels, []);
            assert.deepEqual(w.fake.issue(REPO, number).comments, []);
          } else
            assertNoSideEffects(w, number, label.startsWith('an earlier') ? ['ferry-backport-failure'] : []);
          assert.deepEqual(w.fake.violations, []);
        });
      }
    });

    test('redelivery: the same delivery twice, and the same event under a new id, give one PR and one comment', async () => {
      const w = await world(backend);
      const rec = w.fake.seedIssue(REPO, { title: 't', body: issueBody('2.0', [w.setup.requests[0]!.fix]) });
      const payload = openedPayload(rec.number, rec.title, rec.body!);
      const first = await w.deliver('issues', payload, 'delivery-1');
      const again = await w.deliver('issues', payload, 'delivery-1');
      assert.equal(first.status, 202);
      assert.equal(again.status, 200, 'a replayed delivery is acknowledged, not stored twice');
      await w.waitForJobs();
      await w.deliver('issues', payload, 'delivery-2');
      await w.waitForJobs();
      assert.equal(w.fake.pulls(REPO).length, 1);
      assertOneReport(w, rec.number);
      const states = (await attemptsOf(w)).map((a) => a.state).sort();
      assert.deepEqual(states, ['opened', 'rejected']);
    });

    test('interrupted between push and PR: the job runs again, resumes, and duplicates nothing', async () => {
      const w = await world(backend);
      // Every try of creating the PR fails (503) until the job gives up this run: the job ends
      // after its push, as a crash there would, and the queue runs it again.
      w.fake.inject({
        method: 'POST',
        path: `/repos/${REPO}/pulls`,
        status: 503,
        body: { message: 'Service Unavailable' },
        times: FAST_RETRY.attempts,
      });
      const rec = await fileIssue(w, { fixVersion: '2.0', hashes: [w.setup.requests[0]!.fix] });
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [a] = await attemptsOf(w);
        if (a?.state === 'opened') break;
        if (Date.now() > deadline) throw new Error(`no PR: ${JSON.stringify(a)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await w.waitForJobs();
      const jobs = await listJobs(w.store.db, { kind: 'backport-request' });
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.attempts, 2, 'the same job ran twice');
      assert.equal(w.fake.pulls(REPO).length, 1);
      assertOneReport(w, rec.number);
      assert.deepEqual(w.fake.issue(REPO, rec.number).labels, ['ferry-backport-success']);
      const [attempt] = await attemptsOf(w);
      const pushes = attempt!.steps.filter((s) => s.step === 'push');
      assert.equal(pushes.length, 2, 'the push step ran twice …');
      // … and both runs pushed the one commit the first run made (the pick is recorded once)
      const remote = new FixtureRepo(w.setup.downstream);
      const made = (attempt!.results as { result: string }[])[0]!.result;
      assert.equal(remote.rev(`ferry/acme-product-${rec.number}-2.0`), made);
      assert.deepEqual(
        pushes.map((s) => s.detail?.head),
        [made, made],
      );
      assert.deepEqual(w.fake.violations, []);
    });

    test("outside failures: 502 and 429 are retried; a permanent 422 is recorded with GitHub's message and no success label", async () => {
      const w = await world(backend);
      w.fake.inject({
        method: 'POST',
        path: `/repos/${REPO}/pulls`,
        status: 502,
        body: { message: 'Bad Gateway' },
      });
      w.fake.inject({
        method: 'POST',
        path: /\/labels$/,
        status: 429,
        headers: { 'retry-after': '0' },
        body: { message: 'API rate limit exceeded' },
      });
      const ok = await fileIssue(w, { fixVersion: '2.0', hashes: [w.setup.requests[0]!.fix] });
      await w.waitForJobs();
      assert.equal((await attemptsOf(w))[0]?.state, 'opened');
      assert.deepEqual(w.fake.issue(REPO, ok.number).labels, ['ferry-backport-success']);

      const w2 = await world(backend);
      w2.fake.inject({
        method: 'POST',
        path: `/repos/${REPO}/pulls`,
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'PullRequest',
              code: 'custom',
              message: 'No commits between stable/2.0 and the branch',
            },
          ],
          documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
        },
        times: 10,
      });
      const bad = await fileIssue(w2, { fixVersion: '2.0', hashes: [w2.setup.requests[0]!.fix] });
      await w2.waitForJobs();
      const [attempt] = await attemptsOf(w2);
      assert.equal(attempt?.state, 'failed');
      assert.match(attempt!.reason ?? '', /No commits between stable\/2\.0 and the branch/);
      const issue = w2.fake.issue(REPO, bad.number);
      assert.deepEqual(issue.labels, ['ferry-backport-failure'], 'never the success label without a PR');
      assert.ok(issue.comments.every((c) => !/Ferry made a draft merge request/.test(c.body)));
      const [job] = await listJobs(w2.store.db, { kind: 'backport-request' });
      assert.equal(job?.state, 'dead', 'a permanent refusal is not retried');
    });
  });
}
