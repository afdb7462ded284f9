import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchMaintainers, parseMaintainers } from '../../src/sources/cve/maintainers.js';
import { globMatches, routeFile, routeFiles } from '../../src/sources/cve/route.js';

/** A MAINTAINERS file in the kernel's format (people invented, patterns as the kernel writes them). */
const MAINTAINERS = `List of maintainers
===================

Descriptions of section entries and preferred order
---------------------------------------------------

	M: *Mail* patches to: FullName <address@domain>
	F: *Files* and directories wildcard patterns.

Maintainers List
----------------

FREESCALE IMX I2C DRIVER
M:	Ola Imx <ola@example.org>
R:	Imx Review Team <imx-review@example.org>
L:	linux-i2c@vger.kernel.org
S:	Maintained
F:	Documentation/devicetree/bindings/i2c/i2c-imx.yaml
F:	drivers/i2c/busses/i2c-imx.c

I2C SUBSYSTEM HOST DRIVERS
M:	Ian Host <ian@example.org>
L:	linux-i2c@vger.kernel.org
S:	Maintained
F:	drivers/i2c/algos/
F:	drivers/i2c/busses/

NETWORKING DRIVERS
M:	Nora Net <nora@example.org>
L:	netdev@vger.kernel.org
S:	Odd Fixes
F:	drivers/net/
F:	include/linux/netdevice.h
X:	drivers/net/wireless/

NETWORKING DRIVERS (WIRELESS)
L:	linux-wireless@vger.kernel.org
S:	Orphan
F:	drivers/net/wireless/

ARM/FREESCALE IMX / MXC ARM ARCHITECTURE
M:	Sam Soc <sam@example.org>
S:	Maintained
N:	imx
F:	arch/arm/mach-imx/

THE REST
M:	Linus Rest <rest@example.org>
L:	linux-kernel@vger.kernel.org
S:	Buried alive in reporters
F:	*
F:	*/
`;

const sections = parseMaintainers(MAINTAINERS);

test('MAINTAINERS: sections and their tags; the preamble is not a section', () => {
  assert.deepEqual(
    sections.map((s) => s.title),
    [
      'FREESCALE IMX I2C DRIVER',
      'I2C SUBSYSTEM HOST DRIVERS',
      'NETWORKING DRIVERS',
      'NETWORKING DRIVERS (WIRELESS)',
      'ARM/FREESCALE IMX / MXC ARM ARCHITECTURE',
      'THE REST',
    ],
  );
  assert.deepEqual(sections[0]!.maintainers, ['Ola Imx <ola@example.org>']);
  assert.equal(sections[2]!.status, 'Odd Fixes');
  assert.deepEqual(sections[2]!.excludes, ['drivers/net/wireless/']);
  assert.equal(sections[4]!.names[0]!.source, 'imx');
});

test('MAINTAINERS: the most specific section wins, as get_maintainer.pl ranks', () => {
  const titles = (file: string) => matchMaintainers(sections, file).map((m) => m.section.title);
  assert.deepEqual(titles('drivers/i2c/busses/i2c-imx.c'), [
    'FREESCALE IMX I2C DRIVER',
    'I2C SUBSYSTEM HOST DRIVERS',
    'ARM/FREESCALE IMX / MXC ARM ARCHITECTURE',
    'THE REST',
  ]);
  assert.deepEqual(titles('drivers/net/wireless/ath/ath9k/main.c'), [
    'NETWORKING DRIVERS (WIRELESS)',
    'THE REST',
  ]);
  assert.deepEqual(titles('Makefile'), ['THE REST'], '`*` covers top-level files only');
  // A pattern without a trailing slash stays at its own depth.
  assert.deepEqual(titles('include/linux/netdevice.h').slice(0, 1), ['NETWORKING DRIVERS']);
  assert.deepEqual(titles('include/linux/sub/netdevice.h'), ['THE REST']);
});

test('routing by MAINTAINERS: a section without a maintainer yields to the next for the assignee', () => {
  assert.deepEqual(routeFile('drivers/i2c/busses/i2c-imx.c', { maintainers: sections }), {
    file: 'drivers/i2c/busses/i2c-imx.c',
    component: 'FREESCALE IMX I2C DRIVER',
    assignee: 'ola@example.org',
    via: 'maintainers',
    rule: 'FREESCALE IMX I2C DRIVER (drivers/i2c/busses/i2c-imx.c)',
    specificity: 4,
  });
  const wireless = routeFile('drivers/net/wireless/ath/ath9k/main.c', { maintainers: sections });
  assert.equal(wireless.component, 'THE REST');
  assert.equal(wireless.assignee, 'rest@example.org');
});

test('ownership globs: most specific first, over MAINTAINERS; a rule without assignee borrows one', () => {
  const config = {
    maintainers: sections,
    ownership: [
      { pattern: 'drivers/**', component: 'kernel-drivers', assignee: 'drivers@example.com' },
      {
        pattern: ['drivers/net/', 'include/linux/*dev*.h'],
        component: 'kernel-net',
        assignee: 'net@example.com',
      },
      { pattern: 'drivers/net/wireless', component: 'kernel-wireless', assignee: 'wifi@example.com' },
      { pattern: 'drivers/i2c/busses/i2c-imx.c', component: 'kernel-i2c' },
    ],
    default_component: 'kernel',
    default_assignee: 'triage@example.com',
  };
  assert.equal(routeFile('drivers/net/wireless/ath/main.c', config).component, 'kernel-wireless');
  assert.equal(routeFile('drivers/net/tun.c', config).component, 'kernel-net');
  assert.equal(routeFile('include/linux/netdevice.h', config).component, 'kernel-net');
  assert.equal(routeFile('drivers/gpu/drm/drm_gem.c', config).component, 'kernel-drivers');
  const imx = routeFile('drivers/i2c/busses/i2c-imx.c', config);
  assert.deepEqual([imx.component, imx.assignee, imx.via], ['kernel-i2c', 'ola@example.org', 'ownership']);
  const none = routeFile('fs/btrfs/extent_io.c', { ...config, maintainers: [] });
  assert.deepEqual([none.component, none.assignee, none.via], ['kernel', 'triage@example.com', 'default']);

  const r = routeFiles(
    ['drivers/net/tun.c', 'drivers/gpu/drm/drm_gem.c', 'drivers/net/wireguard/send.c'],
    config,
  );
  assert.equal(r.component, 'kernel-net');
  assert.equal(r.assignee, 'net@example.com');
  assert.equal(
    r.reason,
    "2 of 3 files (drivers/net/tun.c ...) → kernel-net, net@example.com by ownership rule 'drivers/net/'",
  );
  assert.equal(
    routeFiles(['drivers/i2c/busses/i2c-imx.c'], { maintainers: sections }).reason,
    'drivers/i2c/busses/i2c-imx.c → FREESCALE IMX I2C DRIVER, ola@example.org by MAINTAINERS section FREESCALE IMX I2C DRIVER (drivers/i2c/busses/i2c-imx.c)',
  );
  assert.equal(routeFiles([], config).component, 'kernel');
});

test('globs', () => {
  assert.ok(globMatches('drivers/**/*.c', 'drivers/a/b/c.c'));
  assert.ok(globMatches('drivers/**/*.c', 'drivers/c.c'));
  assert.ok(!globMatches('drivers/*.c', 'drivers/a/c.c'));
  assert.ok(globMatches('fs/btrfs', 'fs/btrfs/extent_io.c'));
  assert.ok(!globMatches('fs/btrfs', 'fs/btrfs2/x.c'));
  assert.ok(globMatches('net/ipv?/', 'net/ipv4/tcp.c'));
  assert.ok(globMatches('Kconfig', 'drivers/net/Kconfig'), 'no slash: any depth, as in .gitignore');
  assert.ok(globMatches('drivers/{i2c,spi}/', 'drivers/spi/spi-imx.c'));
});
