import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify } from '../../src/policy/classify.js';
import { runDetector } from '../../src/policy/forbidden/detector.js';
import { DETECTORS } from '../../src/policy/forbidden/index.js';
import { resolvePolicy } from '../../src/policy/settings.js';
import type { ChangedFile, DetectorId, Outcome } from '../../src/policy/types.js';
import { change, file } from '../helpers/policy-facts.js';

/** The kernel-style profile's detectors on diffs shaped like Linux commits (short excerpts). */

const policy = resolvePolicy({ profile: 'kernel-c' });

interface Case {
  name: string;
  detector: DetectorId;
  files: ChangedFile[];
  outcome: Outcome;
  reason: string;
}

const cases: Case[] = [
  // --- db-schema: a kernel has none
  {
    name: 'no database in a kernel tree',
    detector: 'db-schema',
    files: [file('fs/ext4/super.c', { added: ['x'] })],
    outcome: 'skip',
    reason: "not checked: profile 'kernel-c' defines no signals for database schema changes",
  },
  // --- http-api: the user-space ABI
  {
    name: 'a new flag in a uapi header',
    detector: 'http-api',
    files: [
      file('include/uapi/linux/io_uring.h', { added: ['#define IORING_SETUP_NO_SQARRAY\t(1U << 16)'] }),
    ],
    outcome: 'refuse',
    reason:
      'external API changes are not allowed on stable branches: this commit changes a user-space API header (include/uapi/linux/io_uring.h, "#define IORING_SETUP_NO_SQARRAY\t(1U << 16)")',
  },
  {
    name: 'a new system call',
    detector: 'http-api',
    files: [file('arch/x86/entry/syscalls/syscall_64.tbl', { added: ['462\tcommon\tmseal\t\t\tsys_mseal'] })],
    outcome: 'refuse',
    reason:
      'external API changes are not allowed on stable branches: this commit adds a system call (arch/x86/entry/syscalls/syscall_64.tbl, "462\tcommon\tmseal\t\t\tsys_mseal")',
  },
  {
    name: 'a new documented sysfs ABI entry',
    detector: 'http-api',
    files: [
      file('Documentation/ABI/testing/sysfs-class-net', {
        added: ['What:\t\t/sys/class/net/<iface>/threaded', 'Date:\t\tJan 2021'],
      }),
    ],
    outcome: 'refuse',
    reason:
      'external API changes are not allowed on stable branches: this commit documents a new user-space ABI entry (Documentation/ABI/testing/sysfs-class-net, "What:\t\t/sys/class/net/<iface>/threaded")',
  },
  {
    name: 'a new sysfs attribute is a note',
    detector: 'http-api',
    files: [file('drivers/nvme/host/sysfs.c', { added: ['static DEVICE_ATTR_RO(quirks);'] })],
    outcome: 'note',
    reason:
      'external API changes possibly, for a reviewer to judge: this commit adds a sysfs attribute (drivers/nvme/host/sysfs.c, "static DEVICE_ATTR_RO(quirks);")',
  },
  {
    name: 'a comment fix in a uapi header and a reworded ABI description',
    detector: 'http-api',
    files: [
      file('include/uapi/linux/bpf.h', {
        removed: [' * \tRetruns the size'],
        added: [' * \tReturns the size'],
      }),
      file('Documentation/ABI/testing/sysfs-class-net', {
        removed: ['\t\tIndicates the interface speed'],
        added: ['\t\tIndicates the interface speed in Mb/s'],
      }),
    ],
    outcome: 'pass',
    reason: 'no external API changes found',
  },
  // --- rpc-api: exported symbols and kABI
  {
    name: 'an export removed',
    detector: 'rpc-api',
    files: [file('mm/filemap.c', { removed: ['EXPORT_SYMBOL_GPL(filemap_range_has_writeback);'] })],
    outcome: 'refuse',
    reason:
      'internal RPC API changes are not allowed on stable branches: this commit removes an exported symbol that modules build against (mm/filemap.c, filemap_range_has_writeback)',
  },
  {
    name: 'a kABI list changed',
    detector: 'rpc-api',
    files: [file('redhat/kabi/kabi-module/kabi_x86_64/pci_enable_device', { added: ['#2-'] })],
    outcome: 'refuse',
    reason:
      'internal RPC API changes are not allowed on stable branches: this commit changes the kABI lists (redhat/kabi/kabi-module/kabi_x86_64/pci_enable_device, modified)',
  },
  {
    name: 'a new export is a note',
    detector: 'rpc-api',
    files: [file('net/core/dev.c', { added: ['EXPORT_SYMBOL(netif_set_tso_max_size);'] })],
    outcome: 'note',
    reason:
      'internal RPC API changes possibly, for a reviewer to judge: this commit exports a new symbol to modules (net/core/dev.c, netif_set_tso_max_size)',
  },
  {
    name: 'an export moved between files',
    detector: 'rpc-api',
    files: [
      file('lib/string.c', { removed: ['EXPORT_SYMBOL(strscpy);'] }),
      file('lib/string_helpers.c', { added: ['EXPORT_SYMBOL(strscpy);'] }),
    ],
    outcome: 'pass',
    reason: 'no internal RPC API changes found',
  },
  // --- notifications: tracepoint records
  {
    name: 'a field dropped from a tracepoint record',
    detector: 'notifications',
    files: [file('include/trace/events/sched.h', { removed: ['\t\t__field(\tint,\tprio\t)'] })],
    outcome: 'refuse',
    reason:
      'notification payload changes are not allowed on stable branches: this commit changes the record layout of a tracepoint (include/trace/events/sched.h, "__field(\tint,\tprio\t)")',
  },
  {
    name: 'a new tracepoint is a note',
    detector: 'notifications',
    files: [file('include/trace/events/sched.h', { added: ['TRACE_EVENT(sched_skip_vma_numa,'] })],
    outcome: 'note',
    reason:
      'notification payload changes possibly, for a reviewer to judge: this commit adds a tracepoint (include/trace/events/sched.h, sched_skip_vma_numa)',
  },
  {
    name: 'a print format fix',
    detector: 'notifications',
    files: [
      file('include/trace/events/sched.h', {
        removed: ['\tTP_printk("comm=%s pid=%d", __entry->comm, __entry->pid)'],
        added: ['\tTP_printk("comm=%s pid=%d prio=%d", __entry->comm, __entry->pid, __entry->prio)'],
      }),
    ],
    outcome: 'pass',
    reason: 'no notification payload changes found',
  },
  // --- config-options
  {
    name: 'a Kconfig symbol and a module parameter removed',
    detector: 'config-options',
    files: [
      file('drivers/net/Kconfig', { removed: ['config NET_LEGACY_FOO', '\ttristate "Legacy foo"'] }),
      file('drivers/net/foo.c', { removed: ['module_param(debug, int, 0644);'] }),
    ],
    outcome: 'refuse',
    reason:
      'incompatible configuration changes are not allowed on stable branches: this commit removes a Kconfig option (drivers/net/Kconfig, NET_LEGACY_FOO); removes a module parameter (drivers/net/foo.c, debug)',
  },
  {
    name: 'help text and dependencies of an existing symbol',
    detector: 'config-options',
    files: [
      file('drivers/net/Kconfig', {
        removed: ['\tdepends on PCI'],
        added: ['\tdepends on PCI && HAS_IOMEM', '\t  Say Y here to enable the driver.'],
      }),
    ],
    outcome: 'pass',
    reason: 'no incompatible configuration changes found',
  },
  // --- dependencies
  {
    name: 'a new build requirement in the spec file',
    detector: 'dependencies',
    files: [file('redhat/kernel.spec.template', { added: ['BuildRequires: libbpf-devel'] })],
    outcome: 'refuse',
    reason:
      'new dependencies are not allowed on stable branches: this commit adds a package requirement (redhat/kernel.spec.template, libbpf-devel)',
  },
  {
    name: 'a select is a note',
    detector: 'dependencies',
    files: [file('crypto/Kconfig', { added: ['\tselect CRYPTO_SHA256'] })],
    outcome: 'note',
    reason:
      'new dependencies possibly, for a reviewer to judge: this commit makes a Kconfig option select another (crypto/Kconfig, "select CRYPTO_SHA256")',
  },
  {
    name: 'a raised firmware version',
    detector: 'dependencies',
    files: [
      file('redhat/kernel.spec.template', {
        removed: ['Requires: linux-firmware >= 20240101'],
        added: ['Requires: linux-firmware >= 20240610'],
      }),
    ],
    outcome: 'pass',
    reason: 'no new dependencies found',
  },
  // --- new-features
  {
    name: 'a new Kconfig symbol',
    detector: 'new-features',
    files: [file('net/Kconfig', { added: ['config NET_HANDSHAKE_KUNIT_TEST', '\ttristate "KUnit tests"'] })],
    outcome: 'refuse',
    reason:
      'new features are not allowed on stable branches: this commit adds a Kconfig option (net/Kconfig, NET_HANDSHAKE_KUNIT_TEST)',
  },
  {
    name: 'a changed default',
    detector: 'new-features',
    files: [file('net/Kconfig', { removed: ['\tdefault n'], added: ['\tdefault y'] })],
    outcome: 'pass',
    reason: 'no new features found',
  },
];

for (const c of cases) {
  test(`kernel ${c.detector}: ${c.name} → ${c.outcome}`, () => {
    const ch = change('subsys: fix it\n\nFixes: 0123456789ab ("subsys: add it")\n', c.files);
    const feature = classify(ch, policy)
      .evidence.filter((e) => e.class === 'feature')
      .map((e) => e.why);
    const r = runDetector(DETECTORS.find((d) => d.id === c.detector)!, ch, policy, feature);
    assert.equal(r.reason, c.reason);
    assert.equal(r.outcome, c.outcome);
  });
}
