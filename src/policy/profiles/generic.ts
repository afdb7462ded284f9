import type { Profile } from './index.js';

/**
 * No particular layout: the usual places for docs, tests and CI, and the package
 * manifests most trees have. Projects describe the rest in configuration.
 */
export const genericProfile: Profile = {
  description: 'any tree: common docs, tests and CI paths; package manifests',
  safe: {
    docs: ['/doc/', '/docs/', '/Documentation/', '*.md', '*.rst', '*.adoc'],
    tests: ['test/', 'tests/', 'testing/', '__tests__/', 'test_*.py', '*_test.py', '*_test.go', '*.test.*'],
    config_files: ['/etc/', '/config/'],
    ci: [
      '/.github/',
      '/.gitlab/',
      '.gitlab-ci.yml',
      '.zuul.yaml',
      '/zuul.d/',
      'tox.ini',
      '/.circleci/',
      'Jenkinsfile',
    ],
    log_calls: [],
  },
  bug_trailers: [],
  detectors: {
    dependencies: [
      {
        kind: 'name-added',
        paths: ['requirements.txt'],
        pattern: '^([A-Za-z0-9][A-Za-z0-9._-]*)',
        what: 'adds a requirement',
      },
      {
        kind: 'name-added',
        paths: ['go.mod'],
        pattern: '^\\s*(?:require\\s+)?([a-z0-9.-]+\\.[a-z]+/[\\w./-]+)\\s+v\\d',
        what: 'adds a Go module requirement',
      },
    ],
  },
};
