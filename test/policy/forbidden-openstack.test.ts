import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify } from '../../src/policy/classify.js';
import { runDetector } from '../../src/policy/forbidden/detector.js';
import { DETECTORS } from '../../src/policy/forbidden/index.js';
import { resolvePolicy } from '../../src/policy/settings.js';
import type { ChangedFile, DetectorId, Outcome } from '../../src/policy/types.js';
import { change, file } from '../helpers/policy-facts.js';

/**
 * The OpenStack profile's detectors on diffs shaped like real nova and neutron commits
 * (excerpts written for the test, a few lines each). Every detector has cases that must be
 * found and look-alikes that must not.
 */

const policy = resolvePolicy({ profile: 'openstack-python' });

interface Case {
  name: string;
  detector: DetectorId;
  message?: string;
  files: ChangedFile[];
  outcome: Outcome;
  reason: string;
}

const MIGRATION = 'nova/db/main/migrations/versions/ab450ba04102_db_add_indexes_for_source_dest_.py';
const OLD_MIGRATION =
  'nova/db/sqlalchemy/api_migrations/migrate_repo/versions/021_build_requests_instance_mediumtext.py';
const NEUTRON_MIGRATION =
  'neutron/db/migration/alembic_migrations/versions/yoga/expand/ba859d649675_add_indexes_to_rbacs.py';

const cases: Case[] = [
  // --- db-schema
  {
    name: 'a new alembic migration',
    detector: 'db-schema',
    files: [
      file(
        MIGRATION,
        {
          added: [
            "revision = 'ab450ba04102'",
            "down_revision = '2903cd72dc14'",
            'def upgrade():',
            '    with op.batch_alter_table("migrations", schema=None) as batch_op:',
            '        batch_op.create_index(',
          ],
        },
        'A',
      ),
      file('nova/db/main/models.py', { added: ['        sa.Index('] }),
    ],
    outcome: 'refuse',
    reason: `database schema changes are not allowed on stable branches: this commit adds a database migration (${MIGRATION})`,
  },
  {
    name: 'an old migration whose schema operations change',
    detector: 'db-schema',
    files: [
      file(OLD_MIGRATION, {
        removed: ["    spec = Column('spec', Text, nullable=False)"],
        added: ["    spec = Column('spec', MediumText(), nullable=False)"],
      }),
    ],
    outcome: 'refuse',
    reason: `database schema changes are not allowed on stable branches: this commit changes what a database migration does to the schema (${OLD_MIGRATION}, "spec = Column('spec', MediumText(), nullable=False)"); changes what a database migration does to the schema (${OLD_MIGRATION}, "spec = Column('spec', Text, nullable=False)")`,
  },
  {
    name: 'a guard around an existing operation is only a note',
    detector: 'db-schema',
    files: [
      file(NEUTRON_MIGRATION, {
        removed: ["    op.create_index(op.f('ix_%s_target_tenant') % table,"],
        added: [
          '    if not index_exists(table, target_tenant_index):',
          "        op.create_index(op.f('ix_%s_target_tenant') % table,",
        ],
      }),
    ],
    outcome: 'note',
    reason: `database schema changes possibly, for a reviewer to judge: this commit edits a database migration (${NEUTRON_MIGRATION}, modified)`,
  },
  {
    name: 'a milestone tag in an old migration is only a note',
    detector: 'db-schema',
    files: [
      file(
        'neutron/db/migration/alembic_migrations/versions/ocata/expand/a9c43481023c_extend_ml2_port_bindings.py',
        {
          added: [
            '# milestone identifier, used by neutron-db-manage',
            'neutron_milestone = [migration.OCATA]',
          ],
        },
      ),
    ],
    outcome: 'note',
    reason:
      'database schema changes possibly, for a reviewer to judge: this commit edits a database migration (neutron/db/migration/alembic_migrations/versions/ocata/expand/a9c43481023c_extend_ml2_port_bindings.py, modified)',
  },
  {
    name: 'a query fix in the DB API is not a schema change',
    detector: 'db-schema',
    files: [
      file('nova/db/main/api.py', {
        removed: ['    query = query.filter_by(deleted=0)'],
        added: ['    query = query.filter_by(deleted=0, host=host)'],
      }),
      file('nova/tests/unit/db/main/test_migrations.py', { added: ['    def test_walk_versions(self):'] }),
    ],
    outcome: 'pass',
    reason: 'no database schema changes found',
  },
  // --- http-api
  {
    name: 'a microversion bump',
    detector: 'http-api',
    files: [
      file('nova/api/openstack/api_version_request.py', {
        removed: ["_MAX_API_VERSION = '2.103'"],
        added: [
          '    * 2.104 - Add support for updating ``pinned_availability_zone`` via',
          "_MAX_API_VERSION = '2.104'",
        ],
      }),
    ],
    outcome: 'refuse',
    reason:
      'external API changes are not allowed on stable branches: this commit changes the maximum API microversion (nova/api/openstack/api_version_request.py, 2.103 → 2.104)',
  },
  {
    name: 'a new route',
    detector: 'http-api',
    files: [
      file('nova/api/openstack/compute/routes.py', {
        added: [
          "    ('/servers/{server_id}/shares', {",
          "        'GET': [server_shares_controller, 'index'],",
        ],
      }),
    ],
    outcome: 'refuse',
    reason:
      `external API changes are not allowed on stable branches: this commit adds an HTTP route (nova/api/openstack/compute/routes.py, "('/servers/{server_id}/shares', {"); ` +
      `adds an HTTP method to a route (nova/api/openstack/compute/routes.py, "'GET': [server_shares_controller, 'index'],")`,
  },
  {
    name: 'a new neutron API extension',
    detector: 'http-api',
    files: [
      file(
        'neutron/extensions/tag_ext.py',
        { added: ['class Tag_ext(api_extensions.ExtensionDescriptor):'] },
        'A',
      ),
    ],
    outcome: 'refuse',
    reason:
      'external API changes are not allowed on stable branches: this commit adds an API controller or extension (neutron/extensions/tag_ext.py)',
  },
  {
    name: 'a request schema change is a note',
    detector: 'http-api',
    files: [
      file('nova/api/openstack/compute/schemas/servers.py', {
        removed: ["        'name': parameter_types.name,"],
        added: ["        'name': parameter_types.name_with_leading_trailing_spaces,"],
      }),
    ],
    outcome: 'note',
    reason:
      'external API changes possibly, for a reviewer to judge: this commit changes an HTTP API request or response schema (nova/api/openstack/compute/schemas/servers.py, modified)',
  },
  {
    name: 'a bug fix inside an API controller',
    detector: 'http-api',
    files: [
      file('nova/api/openstack/compute/servers.py', {
        removed: ['        except exception.InstanceNotFound:'],
        added: ['        except (exception.InstanceNotFound, exception.InstanceMappingNotFound):'],
      }),
      file('nova/api/openstack/api_version_request.py', {
        removed: ['# Note(cyeoh): This only'],
        added: ['# NOTE(cyeoh): This only'],
      }),
    ],
    outcome: 'pass',
    reason: 'no external API changes found',
  },
  // --- rpc-api
  {
    name: 'an RPC target version bump (neutron agent)',
    detector: 'rpc-api',
    files: [
      file('neutron/agent/rpc.py', {
        removed: ["        target = oslo_messaging.Target(topic=topic, version='1.3',"],
        added: ["        target = oslo_messaging.Target(topic=topic, version='1.4',"],
      }),
    ],
    outcome: 'refuse',
    reason:
      'internal RPC API changes are not allowed on stable branches: this commit changes an RPC API version (neutron/agent/rpc.py, 1.3 → 1.4)',
  },
  {
    name: 'a new entry in an rpcapi version history',
    detector: 'rpc-api',
    files: [
      file('nova/compute/rpcapi.py', {
        added: ["        * 6.5 - Add 2nd RPC server with new topic 'compute-alt'"],
      }),
    ],
    outcome: 'refuse',
    reason: `internal RPC API changes are not allowed on stable branches: this commit adds a version to an RPC API history (nova/compute/rpcapi.py, "* 6.5 - Add 2nd RPC server with new topic 'compute-alt'")`,
  },
  {
    name: 'a versioned object bump',
    detector: 'rpc-api',
    files: [
      file('nova/objects/instance.py', {
        removed: ["    VERSION = '2.8'"],
        added: ['    # Version 2.9: Add pinned_az field', "    VERSION = '2.9'"],
      }),
    ],
    outcome: 'refuse',
    reason:
      'internal RPC API changes are not allowed on stable branches: this commit changes the version of an object sent over RPC (nova/objects/instance.py, 2.8 → 2.9)',
  },
  {
    name: 'a timeout added to an RPC call, and a test that pins versions',
    detector: 'rpc-api',
    files: [
      file('nova/conductor/rpcapi.py', {
        removed: ['        cctxt = self.client.prepare(version=version)'],
        added: [
          '        cctxt = self.client.prepare(',
          '            version=version, call_monitor_timeout=CONF.rpc_response_timeout,',
          '            timeout=CONF.long_rpc_timeout)',
        ],
      }),
      file('nova/tests/unit/test_rpc.py', {
        removed: ["        target = messaging.Target(version='1.0')"],
        added: ["        target = messaging.Target(version='1.1')"],
      }),
    ],
    outcome: 'pass',
    reason: 'no internal RPC API changes found',
  },
  // --- notifications
  {
    name: 'a notification payload version bump',
    detector: 'notifications',
    files: [
      file('nova/notifications/objects/image.py', {
        removed: ["    VERSION = '1.18'"],
        added: [
          "    # Version 1.19: Added 'amd-sev-snp' as an option to hw_mem_encryption_model",
          "    VERSION = '1.19'",
        ],
      }),
    ],
    outcome: 'refuse',
    reason:
      'notification payload changes are not allowed on stable branches: this commit changes a notification payload version (nova/notifications/objects/image.py, 1.18 → 1.19)',
  },
  {
    name: 'a field added to a payload',
    detector: 'notifications',
    files: [
      file('nova/notifications/objects/instance.py', {
        added: ["        'shares': fields.ListOfObjectsField('SharePayload', nullable=True),"],
      }),
    ],
    outcome: 'refuse',
    reason:
      'notification payload changes are not allowed on stable branches: this commit adds a field to a notification payload (nova/notifications/objects/instance.py, shares)',
  },
  {
    name: 'a noisy log removed from the payload base class',
    detector: 'notifications',
    files: [
      file('nova/notifications/objects/base.py', {
        removed: [
          '                    ovo_exception.OrphanedObjectError) as e:',
          '                LOG.debug(("Defaulting the value of the field \'%(field)s\' "',
        ],
        added: [
          '                    ovo_exception.OrphanedObjectError):',
          '                # If it is unset or non lazy loadable',
        ],
      }),
    ],
    outcome: 'pass',
    reason: 'no notification payload changes found',
  },
  // --- config-options
  {
    name: 'options removed, one with its name on the next line',
    detector: 'config-options',
    files: [
      file('nova/conf/database.py', {
        removed: [
          "    cfg.StrOpt('connection',",
          '    cfg.BoolOpt(',
          "        'sqlite_synchronous',",
          '        default=True,',
        ],
      }),
    ],
    outcome: 'refuse',
    reason:
      'incompatible configuration changes are not allowed on stable branches: this commit removes or renames a configuration option (nova/conf/database.py, connection); removes or renames a configuration option (nova/conf/database.py, sqlite_synchronous)',
  },
  {
    name: 'a new workaround option, a rename keeping the old name, a move, a new default',
    detector: 'config-options',
    files: [
      file('nova/conf/workarounds.py', {
        added: ["    cfg.BoolOpt('disable_fallback_pcpu_query',", '        default=False,'],
      }),
      file('nova/conf/compute.py', {
        removed: ["    cfg.IntOpt('old_interval',", "    cfg.IntOpt('timeout', default=10,"],
        added: [
          "    cfg.IntOpt('new_interval',",
          "        deprecated_name='old_interval',",
          "    cfg.IntOpt('timeout', default=30,",
        ],
      }),
      file('nova/virt/libvirt/driver.py', { removed: ["    cfg.StrOpt('images_type',"] }),
      file('nova/conf/libvirt.py', { added: ["    cfg.StrOpt('images_type',"] }),
    ],
    outcome: 'pass',
    reason: 'no incompatible configuration changes found',
  },
  // --- dependencies
  {
    name: 'a new requirement',
    detector: 'dependencies',
    files: [file('requirements.txt', { added: ['requests>=2.14.2 # Apache-2.0'] })],
    outcome: 'refuse',
    reason:
      'new dependencies are not allowed on stable branches: this commit adds a requirement (requirements.txt, requests)',
  },
  {
    name: 'a new optional dependency in pyproject.toml',
    detector: 'dependencies',
    files: [file('pyproject.toml', { added: ['vmware = [', '    "oslo.vmware>=3.6.0", # Apache-2.0', ']'] })],
    outcome: 'refuse',
    reason:
      'new dependencies are not allowed on stable branches: this commit adds a requirement (pyproject.toml, oslo.vmware)',
  },
  {
    name: 'a raised minimum version is a note',
    detector: 'dependencies',
    files: [
      file('requirements.txt', {
        removed: ['os-traits>=3.6.0 # Apache-2.0'],
        added: ['os-traits>=3.7.0 # Apache-2.0'],
      }),
    ],
    outcome: 'note',
    reason:
      'new dependencies possibly, for a reviewer to judge: this commit changes the version range of a requirement (requirements.txt, os-traits>=3.6.0 # Apache-2.0 → os-traits>=3.7.0 # Apache-2.0)',
  },
  {
    name: 'entry points, test requirements and a renamed package spelling are not new dependencies',
    detector: 'dependencies',
    files: [
      file('setup.cfg', {
        added: [
          '    nova-status = nova.cmd.status:main',
          '    oslo.config.opts =',
          '        nova.conf = nova.conf.opts:list_opts',
        ],
      }),
      file('test-requirements.txt', { added: ['stestr>=1.0.0 # Apache-2.0'] }),
      file('requirements.txt', { removed: ['PyYAML>=5.1 # MIT'], added: ['pyyaml>=5.1 # MIT'] }),
    ],
    outcome: 'pass',
    reason: 'no new dependencies found',
  },
  // --- new-features
  {
    name: 'a blueprint trailer',
    detector: 'new-features',
    message:
      'Add unpin AZ functionality\n\nImplements: blueprint unpin-az\nChange-Id: I4278f6c43814ca620662b44cc4950467324211e2\n',
    files: [file('nova/compute/api.py', { added: ['    def unpin_az(self, context, instance):'] })],
    outcome: 'refuse',
    reason:
      'new features are not allowed on stable branches: this commit is marked as a feature (Implements: blueprint unpin-az)',
  },
  {
    name: "a 'features' release note is a note",
    detector: 'new-features',
    files: [
      file(
        'releasenotes/notes/numa-rebuild-b75f9a1966f57.yaml',
        { added: ['---', 'features:', '  - |'] },
        'A',
      ),
    ],
    outcome: 'note',
    reason: `new features possibly, for a reviewer to judge: this commit adds a 'features' release note (releasenotes/notes/numa-rebuild-b75f9a1966f57.yaml, "features:")`,
  },
  {
    name: "'Related to blueprint' and a 'fixes' release note",
    detector: 'new-features',
    message: 'Fix unpin race\n\nRelated to blueprint unpin-az\nCloses-Bug: #1\n',
    files: [file('releasenotes/notes/fix-unpin-1234.yaml', { added: ['---', 'fixes:', '  - |'] }, 'A')],
    outcome: 'pass',
    reason: 'no new features found',
  },
];

for (const c of cases) {
  test(`openstack ${c.detector}: ${c.name} → ${c.outcome}`, () => {
    const ch = change(c.message ?? 'Fix something\n\nCloses-Bug: #1\n', c.files);
    const cls = classify(ch, policy);
    const feature = cls.evidence.filter((e) => e.class === 'feature').map((e) => e.why);
    const detector = DETECTORS.find((d) => d.id === c.detector)!;
    const r = runDetector(detector, ch, policy, feature);
    assert.equal(r.reason, c.reason);
    assert.equal(r.outcome, c.outcome);
  });
}

test('a detector set to note or off in configuration', () => {
  const bump = change('x', [
    file('nova/objects/instance.py', { removed: ["    VERSION = '2.8'"], added: ["    VERSION = '2.9'"] }),
  ]);
  const rpc = DETECTORS.find((d) => d.id === 'rpc-api')!;
  const noted = runDetector(
    rpc,
    bump,
    resolvePolicy({ profile: 'openstack-python', detectors: { 'rpc-api': 'note' } }),
  );
  assert.equal(noted.outcome, 'note');
  assert.equal(
    noted.reason,
    'internal RPC API changes found (configured as a note), for a reviewer to judge: this commit changes the version of an object sent over RPC (nova/objects/instance.py, 2.8 → 2.9)',
  );
  const off = runDetector(
    rpc,
    bump,
    resolvePolicy({ profile: 'openstack-python', detectors: { 'rpc-api': 'off' } }),
  );
  assert.deepEqual([off.outcome, off.reason], ['skip', 'turned off in the configuration']);
});

test('a project adds its own signals; a long list of findings is cut short', () => {
  const p = resolvePolicy({
    profile: 'openstack-python',
    detectors: {
      'http-api': {
        extra_signals: [
          { kind: 'file-changed', paths: ['/api-ref/source/'], what: 'changes the API reference' },
        ],
      },
    },
  });
  const files = Array.from({ length: 7 }, (_, i) => file(`api-ref/source/p${i}.inc`));
  const r = runDetector(DETECTORS.find((d) => d.id === 'http-api')!, change('x', files), p);
  assert.equal(r.outcome, 'refuse');
  assert.equal(
    r.reason,
    'external API changes are not allowed on stable branches: this commit changes the API reference (api-ref/source/p0.inc, modified); changes the API reference (api-ref/source/p1.inc, modified); changes the API reference (api-ref/source/p2.inc, modified); changes the API reference (api-ref/source/p3.inc, modified); changes the API reference (api-ref/source/p4.inc, modified); and 2 more',
  );
});

test('the profile-less default checks only what every tree has', () => {
  const p = resolvePolicy({});
  const r = runDetector(
    DETECTORS.find((d) => d.id === 'db-schema')!,
    change('x', [file(MIGRATION, {}, 'A')]),
    p,
  );
  assert.equal(r.outcome, 'skip');
  assert.equal(r.reason, "not checked: profile 'none' defines no signals for database schema changes");
});
