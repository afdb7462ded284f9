import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesAny } from '../../src/policy/glob.js';

const cases: [pattern: string, path: string, expected: boolean][] = [
  // no slash: a name at any depth
  ['tox.ini', 'tox.ini', true],
  ['tox.ini', 'tools/tox.ini', true],
  ['tox.ini', 'tox.ini.orig', false],
  ['*.rst', 'doc/source/index.rst', true],
  ['*.rst', 'README.rst', true],
  ['*.rst', 'doc/source/index.rst.txt', false],
  ['Kconfig.*', 'drivers/net/Kconfig.debug', true],
  // trailing slash: a directory at any depth, and everything under it
  ['tests/', 'nova/tests/unit/test_api.py', true],
  ['tests/', 'tests/a.py', true],
  ['tests/', 'nova/tests.py', false],
  ['tests/', 'nova/contests/a.py', false],
  // any other slash anchors at the top
  ['/doc/', 'doc/source/conf.py', true],
  ['/doc/', 'nova/doc/x.py', false],
  ['/requirements.txt', 'requirements.txt', true],
  ['/requirements.txt', 'doc/requirements.txt', false],
  ['*/db/**/migrations/versions/', 'nova/db/main/migrations/versions/ab45_x.py', true],
  ['*/db/**/migrations/versions/', 'nova/db/migrations/versions/ab45_x.py', true],
  ['*/db/**/migrations/versions/', 'nova/tests/db/main/migrations/versions/x.py', false],
  [
    '*/db/**/migrate_repo/versions/',
    'nova/db/sqlalchemy/api_migrations/migrate_repo/versions/045_x.py',
    true,
  ],
  ['*/objects/*.py', 'nova/objects/instance.py', true],
  ['*/objects/*.py', 'nova/objects/sub/instance.py', false],
  ['/arch/*/configs/', 'arch/x86/configs/x86_64_defconfig', true],
  ['/arch/**/syscall*.tbl', 'arch/x86/entry/syscalls/syscall_64.tbl', true],
  // alternatives and classes
  ['*.{yaml,yml}', 'zuul.d/jobs.yml', true],
  ['*.{yaml,yml}', 'zuul.d/jobs.json', false],
  ['test_[a-c]*.py', 'nova/test_api.py', true],
  ['test_[!a-c]*.py', 'nova/test_api.py', false],
  // a pattern naming a directory without a slash matches what is under it
  ['doc', 'doc/source/conf.py', true],
];

for (const [pattern, path, expected] of cases) {
  test(`glob ${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
    assert.equal(matchesAny(path, [pattern]), expected);
  });
}
