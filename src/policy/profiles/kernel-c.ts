import type { Profile } from './index.js';

/**
 * A kernel-style C tree (Linux, and distribution kernels built from it). The stable
 * policy's categories map onto the kernel's interfaces: the external API is the user-space
 * ABI (uapi headers, system call tables, documented sysfs ABI); the internal API other
 * components build against is the set of exported symbols and, for distribution kernels,
 * the kABI lists; "notifications" are tracepoint records; configuration is Kconfig, module
 * parameters and sysctls; a new Kconfig symbol is a new feature.
 */

const notComment = '^(?!\\s*(/\\*|\\*|//)).*\\S';

export const kernelProfile: Profile = {
  description: 'kernel-style C tree (Linux, distribution kernels)',
  safe: {
    docs: ['/Documentation/', 'MAINTAINERS', '*.rst', 'README'],
    tests: ['/tools/testing/', 'tests/', '*_test.c', '*-test.c', '*_kunit.c', '/lib/test_*.c'],
    config_files: ['/arch/*/configs/', '/redhat/configs/'],
    ci: ['.gitlab-ci.yml', '/.gitlab/', '/.github/'],
    log_calls: [
      '\\b(pr|dev|netdev)_(emerg|alert|crit|err|warn|warning|notice|info|debug|dbg|cont)(_ratelimited|_once)?\\s*\\(',
      '\\bprintk\\s*\\(',
    ],
  },
  bug_trailers: [],
  detectors: {
    'http-api': [
      {
        kind: 'line-added',
        paths: ['/include/uapi/', '/arch/*/include/uapi/'],
        pattern: notComment,
        what: 'changes a user-space API header',
      },
      {
        kind: 'line-added',
        paths: ['/arch/**/syscall*.tbl', '/arch/*/entry/syscalls/*.tbl', '/scripts/syscall.tbl'],
        pattern: '^\\d+\\s+\\w+\\s+\\w+',
        what: 'adds a system call',
      },
      {
        kind: 'line-added',
        paths: ['/Documentation/ABI/'],
        pattern: '^What:',
        what: 'documents a new user-space ABI entry',
      },
      {
        kind: 'line-removed',
        paths: ['/Documentation/ABI/'],
        pattern: '^What:',
        what: 'removes a documented user-space ABI entry',
      },
      {
        kind: 'line-added',
        paths: ['*.c'],
        exclude: ['/tools/', '/samples/'],
        pattern: '\\b(DEVICE|DRIVER|BUS|CLASS)_ATTR(_RW|_RO|_WO|_ADMIN_RO|_ADMIN_RW)?\\(',
        what: 'adds a sysfs attribute',
        note: true,
      },
    ],
    'rpc-api': [
      {
        kind: 'name-removed',
        paths: ['*.c', '*.h'],
        pattern: '\\bEXPORT_SYMBOL(?:_GPL|_NS|_NS_GPL)?\\(\\s*(\\w+)',
        what: 'removes an exported symbol that modules build against',
      },
      {
        kind: 'name-added',
        paths: ['*.c', '*.h'],
        pattern: '\\bEXPORT_SYMBOL(?:_GPL|_NS|_NS_GPL)?\\(\\s*(\\w+)',
        what: 'exports a new symbol to modules',
        note: true,
      },
      {
        kind: 'file-changed',
        paths: ['/redhat/kabi/'],
        what: 'changes the kABI lists',
      },
    ],
    notifications: [
      {
        kind: 'line-removed',
        paths: ['/include/trace/events/', 'trace*.h'],
        pattern: '\\b__(field|field_struct|array|dynamic_array|string|bitmask)\\(',
        what: 'changes the record layout of a tracepoint',
      },
      {
        kind: 'name-added',
        paths: ['/include/trace/events/', 'trace*.h'],
        pattern: '\\b(?:TRACE_EVENT|DEFINE_EVENT)\\(\\s*(?:\\w+\\s*,\\s*)?(\\w+)',
        what: 'adds a tracepoint',
        note: true,
      },
    ],
    'config-options': [
      {
        kind: 'name-removed',
        paths: ['Kconfig', 'Kconfig.*'],
        pattern: '^\\s*(?:menu)?config\\s+(\\w+)',
        what: 'removes a Kconfig option',
      },
      {
        kind: 'name-removed',
        paths: ['*.c'],
        pattern: '\\bmodule_param(?:_named|_array|_string|_cb)?\\(\\s*(\\w+)',
        what: 'removes a module parameter',
      },
      {
        kind: 'name-removed',
        paths: ['*.c'],
        pattern: '\\.procname\\s*=\\s*"(\\w+)"',
        what: 'removes a sysctl',
      },
    ],
    dependencies: [
      {
        kind: 'name-added',
        paths: ['*.spec', '*.spec.template', '*.spec.in'],
        pattern: '^\\s*(?:BuildRequires|Requires)(?:\\([^)]*\\))?:\\s*([\\w.+-]+)',
        what: 'adds a package requirement',
      },
      {
        kind: 'line-added',
        paths: ['Kconfig', 'Kconfig.*'],
        pattern: '^\\s*select\\s+\\w+',
        what: 'makes a Kconfig option select another',
        note: true,
      },
    ],
    'new-features': [
      {
        kind: 'name-added',
        paths: ['Kconfig', 'Kconfig.*'],
        pattern: '^\\s*(?:menu)?config\\s+(\\w+)',
        what: 'adds a Kconfig option',
      },
    ],
  },
};
