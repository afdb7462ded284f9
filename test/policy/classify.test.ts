import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify } from '../../src/policy/classify.js';
import { resolvePolicy } from '../../src/policy/settings.js';
import type { ChangeClass, ChangedFile, TrackerFacts } from '../../src/policy/types.js';
import { change, file } from '../helpers/policy-facts.js';

const openstack = resolvePolicy({ profile: 'openstack-python' });
const kernel = resolvePolicy({ profile: 'kernel-c' });
const code = file('nova/compute/manager.py', { added: ['    return 2'], removed: ['    return 1'] });

interface Case {
  name: string;
  message: string;
  files?: ChangedFile[];
  tracker?: TrackerFacts;
  profile?: 'kernel';
  classes: ChangeClass[];
  evidence: string[];
}

const cases: Case[] = [
  {
    name: 'a CVE id in the message is security',
    message: 'Fix path traversal in image download\n\nCVE-2024-32498\nCloses-Bug: #2059809\n',
    classes: ['security', 'bug-fix'],
    evidence: ['security: CVE-2024-32498 in the message', 'bug-fix: Closes-Bug: #2059809'],
  },
  {
    name: 'a configured keyword is security; "security group" is not',
    message: 'Reject spoofed ARP (OSSA-2024-002)\n\nsecurity group rules are kept\n',
    classes: ['security'],
    evidence: ['security: "OSSA-" in the message'],
  },
  {
    name: '"security group" alone is no evidence of anything',
    message: 'Refactor security group RPC handlers\n',
    classes: ['unclassified'],
    evidence: [],
  },
  {
    name: 'tracker data: CVEs, labels, types, severities',
    message: 'Fix it\n',
    tracker: { type: 'Bug', severity: 'Critical', labels: ['Security'], cves: ['CVE-2025-0001'] },
    classes: ['security', 'critical', 'bug-fix'],
    evidence: [
      'security: tracker links CVE-2025-0001',
      'security: tracker label "security"',
      'critical: tracker severity "Critical"',
      'bug-fix: tracker type "Bug"',
    ],
  },
  {
    name: 'critical keywords',
    message: 'Avoid data loss when evacuating\n\nCloses-bug: 1893618\n',
    classes: ['critical', 'bug-fix'],
    evidence: ['critical: "data loss" in the message', 'bug-fix: Closes-bug: 1893618'],
  },
  {
    name: 'bug trailers, any case; Related-Bug is not one by default',
    message: 'Handle NULL\n\nPartial-Bug: #1\nRelated-Bug: #2\n',
    classes: ['bug-fix'],
    evidence: ['bug-fix: Partial-Bug: #1'],
  },
  {
    name: 'Related-Bug alone leaves the commit unclassified',
    message: 'Add a log line\n\nRelated-Bug: #2\n',
    classes: ['unclassified'],
    evidence: [],
  },
  {
    name: 'the kernel Fixes: trailer',
    message:
      'net: fix use-after-free\n\nFixes: 1a2b3c4d5e6f ("net: add thing")\nCc: stable@vger.kernel.org\n',
    files: [file('net/core/dev.c', { added: ['x'], removed: ['y'] })],
    profile: 'kernel',
    classes: ['bug-fix'],
    evidence: ['bug-fix: Fixes: 1a2b3c4d5e6f ("net: add thing")'],
  },
  {
    name: 'the old OpenStack style "Fixes bug 1234"',
    message: 'Make quota sync work\n\nFixes bug 1094719\n',
    classes: ['bug-fix'],
    evidence: ['bug-fix: Fixes bug 1094719'],
  },
  {
    name: 'blueprint trailers mark a feature',
    message: 'Add unpin AZ\n\n\nPartially-Implements: blueprint unpin-az\n',
    classes: ['feature'],
    evidence: ['feature: Partially-Implements: blueprint unpin-az'],
  },
  {
    name: 'a Wishlist importance marks a feature',
    message: 'Allow something\n',
    tracker: { type: 'Bug', severity: 'Wishlist' },
    classes: ['bug-fix', 'feature'],
    evidence: ['bug-fix: tracker type "Bug"', 'feature: tracker severity "Wishlist"'],
  },
  {
    name: 'docs only',
    message: 'Fix typo in admin guide\n',
    files: [file('doc/source/admin/index.rst'), file('releasenotes/notes/x-1234.yaml', {}, 'A')],
    classes: ['docs-only'],
    evidence: ['docs-only: every file is documentation: doc/source/admin/index.rst and 1 more'],
  },
  {
    name: 'tests only, with a release note riding along',
    message: 'Fix flaky test\n\nCloses-Bug: #3\n',
    files: [file('nova/tests/unit/compute/test_manager.py'), file('releasenotes/notes/y.yaml', {}, 'A')],
    classes: ['bug-fix', 'tests-only'],
    evidence: [
      'bug-fix: Closes-Bug: #3',
      'tests-only: only tests change: nova/tests/unit/compute/test_manager.py',
    ],
  },
  {
    name: 'a gate fix: tox.ini and zuul, with a test',
    message: 'Pin the functional job to jammy\n',
    files: [file('tox.ini'), file('.zuul.yaml'), file('nova/tests/functional/test_x.py')],
    classes: ['ci-only'],
    evidence: ['ci-only: only CI files change: tox.ini and 1 more'],
  },
  {
    name: 'configuration-file content only',
    message: 'Fix rootwrap filter\n',
    files: [file('etc/nova/rootwrap.d/compute.filters')],
    classes: ['config-only'],
    evidence: ['config-only: only configuration-file content changes: etc/nova/rootwrap.d/compute.filters'],
  },
  {
    name: 'a log-message correction, continuation line included',
    message: 'Fix typo in log message\n',
    files: [
      file('nova/compute/manager.py', {
        removed: [
          '            LOG.warning("Instance %s dissapeared "',
          '                        "while building", uuid)',
        ],
        added: [
          '            LOG.warning("Instance %s disappeared "',
          '                        "while building", uuid)',
        ],
      }),
    ],
    classes: ['log-typo'],
    evidence: ['log-typo: only log messages change: nova/compute/manager.py'],
  },
  {
    name: 'changing an exception message is not a log-message correction',
    message: 'Fix typo\n',
    files: [
      file('nova/exception.py', {
        removed: ['    msg_fmt = _("Instance %(id)s could not be fuond.")'],
        added: ['    msg_fmt = _("Instance %(id)s could not be found.")'],
      }),
    ],
    classes: ['unclassified'],
    evidence: [],
  },
  {
    name: 'a kernel log call',
    message: 'drm: fix message\n',
    files: [
      file('drivers/gpu/drm/x.c', {
        removed: ['\tpr_err("faild to map\\n");'],
        added: ['\tpr_err("failed to map\\n");'],
      }),
    ],
    profile: 'kernel',
    classes: ['log-typo'],
    evidence: ['log-typo: only log messages change: drivers/gpu/drm/x.c'],
  },
  {
    name: 'kernel selftests are tests',
    message: 'selftests: net: fix timeout\n',
    files: [file('tools/testing/selftests/net/udpgso.sh')],
    profile: 'kernel',
    classes: ['tests-only'],
    evidence: ['tests-only: only tests change: tools/testing/selftests/net/udpgso.sh'],
  },
  {
    name: 'production code with a test is not tests only',
    message: 'Fix it\n',
    files: [code, file('nova/tests/unit/test_x.py')],
    classes: ['unclassified'],
    evidence: [],
  },
];

for (const c of cases) {
  test(`classify: ${c.name}`, () => {
    const r = classify(
      change(c.message, c.files ?? [code]),
      c.profile === 'kernel' ? kernel : openstack,
      c.tracker,
    );
    assert.deepEqual(r.classes, c.classes);
    assert.deepEqual(
      r.evidence.map((e) => `${e.class}: ${e.why}`),
      c.evidence,
    );
  });
}

test('classify gives the subject as the first paragraph on one line', () => {
  const r = classify(change('Fix the\nthing\n\nBody\n', [code]), openstack);
  assert.equal(r.subject, 'Fix the thing');
});

test('class evidence is configurable: keywords, trailers, globs', () => {
  const p = resolvePolicy({
    profile: 'openstack-python',
    classes: {
      security: { keywords: ['embargo'] },
      bug_fix: { trailers: ['Related-Bug'] },
      safe: { docs: ['/manual/'] },
    },
  });
  const r = classify(change('Lift embargo\n\nRelated-Bug: #9\n', [file('manual/a.txt')]), p);
  assert.deepEqual(r.classes, ['security', 'bug-fix', 'docs-only']);
});
