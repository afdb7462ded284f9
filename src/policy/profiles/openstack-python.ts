import type { Profile } from './index.js';

/**
 * An OpenStack service written in Python (nova, neutron, cinder, ...). Paths start with
 * `*` for the package directory, so one profile serves every project laid out this way.
 * The forbidden list is the stable policy's: DB schema, external HTTP API, internal AMQP
 * API (RPC versions and the versioned objects sent over it), notification payloads,
 * incompatible configuration, new dependencies, new features.
 */

const notTests = ['tests/'];

const MIGRATIONS = [
  '*/db/**/migrations/versions/',
  '*/db/**/migrate_repo/versions/',
  '*/db/migration/alembic_migrations/versions/',
];

const EDITED: ('M' | 'R' | 'T')[] = ['M', 'R', 'T'];

/** alembic `op.*` and sqlalchemy-migrate / SQLAlchemy schema calls. */
const SCHEMA_OPERATION =
  '\\bop\\.\\w+\\(|\\b(create|drop|alter)_(table|column|index|constraint)\\b|\\bColumn\\(|\\bTable\\(|\\.(create|drop|alter|create_column|drop_column)\\(';

export const openstackProfile: Profile = {
  description: 'OpenStack-style Python service (nova, neutron, ...)',
  safe: {
    docs: ['/doc/', '/api-ref/', '/api-guide/', '/releasenotes/', '*.rst', '*.md'],
    tests: ['tests/', 'test-requirements.txt', '.stestr.conf'],
    config_files: ['/etc/'],
    ci: [
      '.zuul.yaml',
      '/zuul.d/',
      '/playbooks/',
      '/roles/',
      '/gate/',
      '/tools/gate/',
      'tox.ini',
      '.pre-commit-config.yaml',
      'bindep.txt',
    ],
    log_calls: ['\\b(LOG|LOGGER|logger|log)\\.(debug|info|warning|warn|error|exception|critical)\\s*\\('],
  },
  bug_trailers: [],
  detectors: {
    'db-schema': [
      // nova since 2023 (alembic): nova/db/main/migrations/versions/<rev>_<slug>.py;
      // sqlalchemy-migrate in older releases: nova/db/sqlalchemy/migrate_repo/versions/;
      // neutron: neutron/db/migration/alembic_migrations/versions/<release>/{expand,contract}/.
      { kind: 'file-added', paths: MIGRATIONS, what: 'adds a database migration' },
      { kind: 'file-removed', paths: MIGRATIONS, what: 'removes a database migration' },
      {
        kind: 'line-added',
        paths: MIGRATIONS,
        statuses: EDITED,
        pattern: SCHEMA_OPERATION,
        what: 'changes what a database migration does to the schema',
      },
      {
        kind: 'line-removed',
        paths: MIGRATIONS,
        statuses: EDITED,
        pattern: SCHEMA_OPERATION,
        what: 'changes what a database migration does to the schema',
      },
      // Milestone tags, lint fixes and guards in old migrations were backported by humans.
      {
        kind: 'file-changed',
        paths: MIGRATIONS,
        statuses: EDITED,
        what: 'edits a database migration',
        note: true,
      },
    ],
    'http-api': [
      {
        kind: 'value-changed',
        paths: ['*/api/**/api_version_request.py', '*/api/microversions.py'],
        pattern: '^\\s*_?MAX_API_VERSION\\s*=\\s*[\'"]([\\d.]+)[\'"]',
        what: 'changes the maximum API microversion',
      },
      {
        kind: 'line-added',
        paths: ['*/api/openstack/**/routes.py'],
        pattern: "^\\s*\\(\\s*'/[^']*'\\s*,\\s*\\{",
        what: 'adds an HTTP route',
      },
      {
        kind: 'line-added',
        paths: ['*/api/openstack/**/routes.py'],
        pattern: "^\\s*'(GET|POST|PUT|PATCH|DELETE)'\\s*:",
        what: 'adds an HTTP method to a route',
      },
      {
        kind: 'file-added',
        paths: ['*/api/openstack/compute/*.py', '*/extensions/*.py'],
        exclude: ['__init__.py'],
        what: 'adds an API controller or extension',
      },
      {
        kind: 'file-changed',
        paths: ['*/api/openstack/**/schemas/', '*/api/schemas/'],
        what: 'changes an HTTP API request or response schema',
        note: true,
      },
    ],
    'rpc-api': [
      {
        kind: 'value-changed',
        paths: ['*.py'],
        exclude: notTests,
        pattern: 'Target\\(.*\\bversion\\s*=\\s*[\'"]([\\d.]+)[\'"]',
        what: 'changes an RPC API version',
      },
      {
        kind: 'line-added',
        paths: ['*/**/rpcapi.py'],
        pattern: '^\\s*\\*\\s*\\d+\\.\\d+\\s+-\\s',
        what: 'adds a version to an RPC API history',
      },
      {
        kind: 'value-changed',
        paths: ['*/objects/*.py'],
        pattern: '^\\s+VERSION\\s*=\\s*[\'"]([\\d.]+)[\'"]',
        what: 'changes the version of an object sent over RPC',
      },
      {
        kind: 'value-changed',
        paths: ['*/objects/service.py'],
        pattern: '^SERVICE_VERSION\\s*=\\s*(\\d+)',
        what: 'raises the service version',
      },
    ],
    notifications: [
      {
        kind: 'file-added',
        paths: ['*/notifications/objects/*.py'],
        exclude: ['__init__.py'],
        what: 'adds a notification payload definition',
      },
      {
        kind: 'value-changed',
        paths: ['*/notifications/objects/*.py'],
        pattern: '^\\s+VERSION\\s*=\\s*[\'"]([\\d.]+)[\'"]',
        what: 'changes a notification payload version',
      },
      {
        kind: 'name-added',
        paths: ['*/notifications/objects/*.py'],
        pattern: "^\\s*'(\\w+)'\\s*:\\s*fields\\.",
        what: 'adds a field to a notification payload',
      },
      {
        kind: 'name-removed',
        paths: ['*/notifications/objects/*.py'],
        pattern: "^\\s*'(\\w+)'\\s*:\\s*fields\\.",
        what: 'removes a field from a notification payload',
      },
    ],
    'config-options': [
      {
        kind: 'name-removed',
        paths: ['*.py'],
        exclude: notTests,
        // oslo.config: cfg.StrOpt('name', ...) with the name on the same or the next line.
        pattern: 'cfg\\.\\w*Opt\\(\\s*[\'"]([\\w.-]+)[\'"]',
        // A rename that keeps the old name working is compatible.
        unless_added: 'deprecated_name\\s*=\\s*[\'"]{name}[\'"]|DeprecatedOpt\\(\\s*[\'"]{name}[\'"]',
        what: 'removes or renames a configuration option',
      },
      {
        kind: 'name-removed',
        paths: ['*.py'],
        exclude: notTests,
        pattern: 'cfg\\.OptGroup\\(\\s*(?:name\\s*=\\s*)?[\'"]([\\w.-]+)[\'"]',
        unless_added: 'deprecated_group_name\\s*=\\s*[\'"]{name}[\'"]',
        what: 'removes or renames a configuration group',
      },
    ],
    dependencies: [
      {
        kind: 'name-added',
        paths: ['/requirements.txt'],
        pattern: '^([A-Za-z0-9][A-Za-z0-9._-]*)',
        what: 'adds a requirement',
      },
      {
        kind: 'name-changed',
        paths: ['/requirements.txt'],
        pattern: '^([A-Za-z0-9][A-Za-z0-9._-]*)',
        what: 'changes the version range of a requirement',
        note: true,
      },
      {
        kind: 'name-added',
        paths: ['/setup.cfg'],
        // A version operator, not the lone "=" of an entry point or an option.
        pattern: '^\\s+([A-Za-z0-9][A-Za-z0-9._-]*)\\s*(?:\\[[^\\]]*\\])?\\s*(?:===|==|!=|~=|>=|<=|>|<)',
        what: 'adds a requirement',
      },
      {
        kind: 'name-added',
        paths: ['/pyproject.toml'],
        pattern: '^\\s*"([A-Za-z0-9][A-Za-z0-9._-]*)\\s*(?:\\[[^\\]]*\\])?\\s*[<>=!~;"]',
        what: 'adds a requirement',
      },
    ],
    'new-features': [
      {
        kind: 'line-added',
        paths: ['/releasenotes/notes/'],
        pattern: '^features:\\s*$',
        what: "adds a 'features' release note",
        // Neutron's stable branches took many fixes whose notes used this section.
        note: true,
      },
      {
        kind: 'line-added',
        paths: ['/setup.cfg'],
        pattern: '^\\s*[\\w.-]+\\s*=\\s*[\\w.]+:\\w+\\s*$',
        what: 'adds an entry point (a new command or plugin)',
        note: true,
      },
    ],
  },
};
