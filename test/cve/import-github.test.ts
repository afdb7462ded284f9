import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/open.js';
import { listRequests } from '../../src/store/requests.js';
import { GitHubFake } from '../fakes/github/server.js';
import { CONFIG, FIRST, ferry, importDir, mainFix, record, rejection } from '../helpers/cve-import.js';
import { backends, testDatabase } from '../helpers/store.js';

/**
 * `ferry cve import` with `cve.tracker` naming a GitHub tracker, against the fake api.github.com
 * (every request and answer validated against GitHub's OpenAPI description). Ferry's store still
 * keeps what it wrote.
 */

const REPO = 'Codertocat/Hello-World';
const TOKEN = 'ghp_cveimporttoken';

function githubConfig(url: string): string {
  return `${CONFIG}  tracker: gh
trackers:
  gh:
    kind: github
    api_url: ${url}
    repo: ${REPO}
    auth: { kind: token, token_env: FERRY_TEST_GH_TOKEN }
`;
}

for (const backend of backends()) {
  test(`ferry cve import on a GitHub tracker [${backend}]: issues with labels, Fix Version and hashes; again: nothing; REJECTED closes them; a 502 after the create is recovered, no second issue`, async () => {
    const fake = await new GitHubFake({ token: TOKEN }).start();
    try {
      fake.addRepo(REPO);
      // A person's own issue about one of the CVEs: not Ferry's, left alone.
      const own = fake.seedIssue(REPO, { title: 'ismt out-of-bounds: tracking', labels: ['CVE-2022-50394'] });
      const db = await testDatabase(backend);
      const dir = importDir();
      writeFileSync(path.join(dir, 'ferry.yaml'), githubConfig(fake.url));
      writeFileSync(path.join(dir, 'first.mbox'), FIRST.map((id) => record(id)).join('\n'));
      const env = { FERRY_TEST_GH_TOKEN: TOKEN };
      const run = async (file: string) => {
        const r = await ferry(dir, db, ['cve', 'import', '--mbox', file, '--json'], env);
        return { ...r, out: r.code === 0 ? JSON.parse(r.stdout) : null };
      };
      const keys = (list: { key: string }[]) => list.map((x) => x.key);
      const issue = (n: number) => fake.issue(REPO, n);

      const first = await run('first.mbox');
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.out.tracker, 'gh');
      assert.deepEqual(
        keys(first.out.created),
        [2, 3, 4, 5, 6].map((n) => `${REPO}#${n}`),
      );
      assert.equal(first.out.created[3].url, `https://github.com/${REPO}/issues/5`);
      const ismt510 = issue(5);
      assert.equal(
        ismt510.title,
        'CVE-2022-50394: i2c: ismt: Fix an out-of-bounds bug in ismt_access() [lts-5.10]',
      );
      assert.deepEqual(ismt510.labels, ['CVE-2022-50394', 'ferry-cve:lts-5.10']);
      assert.match(ismt510.body!, /^### Fix version\n\nlts-5\.10$/m);
      assert.match(ismt510.body!, new RegExp(`^### Commit hashes\\n\\n${mainFix('CVE-2022-50394')}$`, 'm'));
      assert.match(ismt510.body!, /^- assignee: ismt@example\.org$/m);
      assert.match(ismt510.body!, /^- severity: HIGH 7\.8 /m);
      assert.match(issue(4).body!, /^### Fix version\n\n9\.6\.z$/m);
      const rows = await (async () => {
        const s = await openStore(db.open);
        try {
          return await listRequests(s.db, { tracker: 'gh' });
        } finally {
          await s.close();
        }
      })();
      assert.equal(rows.length, 5, "the store keeps what Ferry wrote on GitHub's issues");

      const posts = () => fake.requests.filter((r) => r.method !== 'GET').length;
      const writes = posts();
      const again = await run('first.mbox');
      assert.deepEqual([again.out.created, again.out.updated, again.out.closed], [[], [], []]);
      assert.equal(posts(), writes, 'the same mail again writes nothing to GitHub');

      // REJECTED: Ferry's three issues for the CVE are closed as not planned, with a note; the person's stays open.
      writeFileSync(
        path.join(dir, 'rejected.mbox'),
        rejection('CVE-2022-50394', 'i2c: ismt: Fix an out-of-bounds bug in ismt_access()'),
      );
      const rej = await run('rejected.mbox');
      assert.equal(rej.code, 0, rej.stderr);
      assert.deepEqual(
        keys(rej.out.closed),
        [4, 5, 6].map((n) => `${REPO}#${n}`),
      );
      for (const n of [4, 5, 6]) {
        assert.equal(issue(n).state, 'closed');
        assert.equal(issue(n).state_reason, 'not_planned');
        assert.equal(issue(n).comments.length, 1);
        assert.match(issue(n).comments[0]!.body, /was rejected by the Linux kernel CVE team/);
        assert.match(issue(n).comments[0]!.body, /<!-- ferry:marker=ferry:cve:CVE-2022-50394:rejected -->/);
      }
      assert.equal(issue(own.number).state, 'open');
      assert.equal(issue(own.number).comments.length, 0);
      const settled = posts();
      assert.deepEqual((await run('rejected.mbox')).out.closed, []);
      assert.equal(posts(), settled);

      // GitHub creates the issue but answers 502: the retry finds that issue (same title and
      // labels, created since the first try) instead of filing a second one, and the import goes on.
      writeFileSync(path.join(dir, 'qrwlock.mbox'), record('CVE-2021-46921'));
      fake.inject({
        method: 'POST',
        path: `/repos/${REPO}/issues`,
        status: 502,
        afterHandler: true,
        body: { message: 'Server Error' },
      });
      const recovered = await run('qrwlock.mbox');
      assert.equal(recovered.code, 0, recovered.stderr);
      assert.deepEqual(keys(recovered.out.created), [`${REPO}#7`, `${REPO}#8`]);
      assert.deepEqual(recovered.out.updated, []);
      assert.deepEqual(issue(7).labels, ['CVE-2021-46921', 'ferry-cve:lts-5.10']);
      assert.deepEqual(issue(8).labels, ['CVE-2021-46921', 'ferry-cve:lts-5.8']);
      assert.equal(
        fake.count('POST', `/repos/${REPO}/issues`),
        7,
        'one POST per issue: the lost answer was not sent again',
      );
      const lts510 = [...fake.repos.get(REPO.toLowerCase())!.issues.values()].filter(
        (i) => i.labels.includes('ferry-cve:lts-5.10') && i.labels.includes('CVE-2021-46921'),
      );
      assert.equal(lts510.length, 1, 'no second issue for the same CVE and stream');
      const last = await run('qrwlock.mbox');
      assert.deepEqual([last.out.created, last.out.updated, last.out.closed], [[], [], []]);

      await fake.close();
      assert.deepEqual(fake.violations, [], 'every request and answer matched api.github.com');
    } finally {
      await fake.close();
    }
  });
}
