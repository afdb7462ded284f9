import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ferryConfig } from '../../src/config/schema.js';
import { MissingSecretError } from '../../src/config/secret.js';
import { createForge, createForges, githubWebUrl } from '../../src/forges/factory.js';
import { ForgeInputError } from '../../src/forges/types.js';
import { Repo } from '../../src/git/repo.js';
import { createTracker, createTrackers } from '../../src/trackers/factory.js';
import { TrackerInputError } from '../../src/trackers/types.js';
import { MemoryRequestStore } from '../fakes/builtin-store.js';
import { createRepo } from '../helpers/git-fixture.js';

const YAML = `
trackers:
  rhel:
    kind: jira
    url: https://issues.example.com/
    project: RHEL
    auth: { kind: bearer, token_env: JIRA_TOKEN }
    fields: { commit_hashes: customfield_12345 }
  gh:
    kind: github
    repo: octo/kernel
    auth: { kind: app, app_id: 42, private_key_env: GH_APP_KEY }
  local:
    kind: builtin
forges:
  gl:
    kind: gitlab
    url: https://gitlab.example.com
    project: rhel/kernel
    source_project: kernel-bot/kernel
    auth: { token_env: GITLAB_TOKEN }
    bot_namespace: kernel-bot
  review:
    kind: gerrit
    url: https://review.opendev.org
    project: openstack/nova
    auth: { username_env: GERRIT_USER, password_env: GERRIT_PASSWORD }
  plain:
    kind: git
    remote: /srv/git/downstream.git
`;

test('the trackers and forges sections: defaults and their documented values', () => {
  const c = ferryConfig.parse(parse(YAML));
  const rhel = c.trackers.rhel!;
  assert.equal(rhel.kind, 'jira');
  if (rhel.kind !== 'jira') return;
  assert.equal(rhel.url, 'https://issues.example.com');
  assert.deepEqual(rhel.labels, { success: 'ferry-backport-success', failure: 'ferry-backport-failure' });
  assert.deepEqual(rhel.eligible_statuses, ['New', 'Planning']);
  assert.equal(rhel.fields.commit_hashes_format, 'adf');
  const gh = c.trackers.gh!;
  if (gh.kind !== 'github') return assert.fail('github');
  assert.equal(gh.api_url, 'https://api.github.com');
  assert.deepEqual(gh.form, { commit_hashes: 'Commit hashes', fix_version: 'Fix version' });
  assert.deepEqual(gh.eligible_statuses, ['open']);
  assert.equal(gh.command, '/backport');
  const gl = c.forges.gl!;
  if (gl.kind !== 'gitlab') return assert.fail('gitlab');
  assert.equal(gl.repository, 'downstream');
  assert.deepEqual(gl.labels, ['ferry-backport']);
  assert.equal(c.forges.plain!.bot_namespace, 'ferry');
});

test('wrong values are refused with their path', () => {
  const bad = (yaml: string) => {
    const r = ferryConfig.safeParse(parse(yaml));
    assert.equal(r.success, false);
    return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
  };
  assert.match(
    bad(
      'trackers: { j: { kind: jira, url: "https://x", project: RHEL, auth: { kind: bearer, token_env: T }, fields: { commit_hashes: "Commit Hashes" } } }',
    ),
    /trackers\.j\.fields\.commit_hashes: expected a Jira custom field id/,
  );
  assert.match(
    bad(
      'trackers: { g: { kind: github, repo: octo/x, auth: { kind: token, token_env: ghp_literalSecret } } }',
    ),
    /trackers\.g\.auth\.token_env: expected the name of an environment variable/,
  );
  assert.match(
    bad('forges: { f: { kind: git, remote: /x, bot_namespace: "../up" } }'),
    /forges\.f\.bot_namespace/,
  );
  assert.match(bad('forges: { f: { kind: svn, remote: /x } }'), /forges\.f\.kind/);
  assert.match(bad('trackers: { t: { kind: builtin, colour: blue } }'), /colour/);
});

test('factories read secrets by the names the file gives, and say which one is missing', async () => {
  const c = ferryConfig.parse(parse(YAML));
  const env = {
    JIRA_TOKEN: 'pat',
    GH_APP_KEY: '-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----',
    GITLAB_TOKEN: 'glpat',
    GERRIT_USER: 'bot',
    GERRIT_PASSWORD: 'pw',
  };
  const trackers = createTrackers(c, env, { requests: new MemoryRequestStore() });
  assert.deepEqual(
    [...trackers].map(([n, t]) => [n, t.kind]),
    [
      ['rhel', 'jira'],
      ['gh', 'github'],
      ['local', 'builtin'],
    ],
  );
  const repo = await Repo.open(createRepo({ bare: true }).dir);
  const forges = createForges(c, env, { repoFor: async () => repo });
  assert.deepEqual(
    [...forges].map(([n, f]) => [n, f.kind, f.botBranch('RHEL-1', '9.6')]),
    [
      ['gl', 'gitlab', 'kernel-bot/RHEL-1-9.6'],
      ['review', 'gerrit', 'ferry/RHEL-1-9.6'],
      ['plain', 'git', 'ferry/RHEL-1-9.6'],
    ],
  );
  assert.throws(
    () => createTracker('rhel', c.trackers.rhel!, {}),
    (e: unknown) => {
      assert.ok(e instanceof MissingSecretError);
      assert.equal(e.input, 'JIRA_TOKEN');
      assert.match(e.message, /trackers\.rhel\.auth\.token_env/);
      return true;
    },
  );
  assert.throws(() => createTracker('local', c.trackers.local!, {}), TrackerInputError);
  assert.throws(() => createForge('plain', c.forges.plain!, {}), ForgeInputError);
  assert.equal(githubWebUrl('https://api.github.com'), 'https://github.com');
  assert.equal(githubWebUrl('https://ghe.example.com/api/v3'), 'https://ghe.example.com');
});
