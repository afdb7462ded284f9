import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * Ferry's tables. Migrations in `drizzle/` are generated from this file by
 * `npm run db:generate` and committed; they are applied at start on PGlite and PostgreSQL.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const id = (name: string) => bigint(name, { mode: 'number' });

/** Every webhook that passed authentication, stored before it is acknowledged. */
export const deliveries = pgTable(
  'deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** github | gitlab | jira | gerrit */
    source: text('source').notNull(),
    /** The sender's delivery id (X-GitHub-Delivery, Idempotency-Key, ...), else a hash of the body. */
    dedupKey: text('dedup_key').notNull(),
    /** What the classifier called it (`issues`, `jira:issue_updated`); null when not recognised. */
    event: text('event'),
    receivedAt: ts('received_at').notNull().defaultNow(),
    /** Request headers, minus secrets (signatures and tokens are not kept). */
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    /** The body exactly as received (UTF-8 JSON). */
    body: text('body').notNull(),
    /** queued (a job was made), ignored (not an event Ferry handles), held (paused; queued on resume). */
    outcome: text('outcome').$type<DeliveryOutcome>().notNull(),
  },
  (t) => [
    uniqueIndex('deliveries_source_dedup').on(t.source, t.dedupKey),
    index('deliveries_held').on(t.id).where(sql`${t.outcome} = 'held'`),
  ],
);
export type DeliveryOutcome = 'queued' | 'ignored' | 'held';

export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    state: text('state').$type<JobState>().notNull().default('queued'),
    /** Lower runs first. */
    priority: integer('priority').notNull().default(0),
    runAt: ts('run_at').notNull().defaultNow(),
    /** Claims so far, including the one running now. */
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(8),
    leaseUntil: ts('lease_until'),
    lockedBy: text('locked_by'),
    /** Jobs with the same key never run at the same time (a repository and a branch). */
    lockKey: text('lock_key'),
    /** Enqueueing twice with the same key gives the same job. */
    dedupKey: text('dedup_key'),
    deliveryId: id('delivery_id'),
    lastError: text('last_error'),
    result: jsonb('result'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    uniqueIndex('jobs_dedup').on(t.dedupKey),
    index('jobs_ready').on(t.priority, t.runAt, t.id).where(sql`${t.state} = 'queued'`),
    index('jobs_leased').on(t.leaseUntil).where(sql`${t.state} = 'running'`),
    index('jobs_state').on(t.state),
  ],
);
export type JobState = 'queued' | 'running' | 'done' | 'dead';

/** A side effect a job has completed, so that a re-run skips it. */
export const effects = pgTable(
  'effects',
  {
    /** What the key is unique within: `job:<id>` by default, or a wider scope such as `request:<id>`. */
    scope: text('scope').notNull(),
    /** `push:<branch>`, `mr:<branch>`, `comment:<marker>`. */
    key: text('key').notNull(),
    result: jsonb('result'),
    jobId: id('job_id'),
    doneAt: ts('done_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);

/** A request asks for commits on a stream (from a tracker issue, the CLI or the CVE intake). */
export const requests = pgTable(
  'requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Which tracker holds it: jira | github | gitlab | builtin | ... */
    tracker: text('tracker').notNull(),
    /** The issue's key in that tracker (`RHEL-1234`, `owner/repo#12`). */
    trackerKey: text('tracker_key').notNull(),
    stream: text('stream').notNull(),
    repository: text('repository'),
    /** Commit ids or abbreviations, in the order given. */
    commits: jsonb('commits').$type<string[]>().notNull().default([]),
    state: text('state').$type<RequestState>().notNull().default('open'),
    deliveryId: id('delivery_id'),
    requestedBy: text('requested_by'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('requests_issue_stream').on(t.tracker, t.trackerKey, t.stream)],
);
export type RequestState = 'open' | 'closed';

/** One run of a request. Steps and per-commit results survive a crash, as git's sequencer state does. */
export const attempts = pgTable(
  'attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    requestId: id('request_id')
      .notNull()
      .references(() => requests.id),
    jobId: id('job_id'),
    state: text('state').$type<AttemptState>().notNull().default('queued'),
    botBranch: text('bot_branch'),
    mrUrl: text('mr_url'),
    /** Per-commit results (the engine's CommitPick objects). */
    results: jsonb('results').$type<unknown[]>().notNull().default([]),
    steps: jsonb('steps').$type<AttemptStep[]>().notNull().default([]),
    /** Why it ended as it did, in words a person reads. */
    reason: text('reason'),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('attempts_request').on(t.requestId)],
);
export type AttemptState = 'queued' | 'running' | 'opened' | 'conflicted' | 'rejected' | 'failed';
export interface AttemptStep {
  at: string;
  step: string;
  outcome: 'ok' | 'skipped' | 'failed' | 'info';
  detail?: Record<string, unknown>;
}

/** For every (change, branch): where it stands, and how we know. The dashboard's matrix. */
export const ledger = pgTable(
  'ledger',
  {
    repository: text('repository').notNull().default(''),
    /** The upstream commit id (or a Change-Id) the row is about. */
    change: text('change').notNull(),
    branch: text('branch').notNull(),
    state: text('state').$type<LedgerState>().notNull(),
    /** How we know: a ladder rung (ancestor, provenance, patch-id, subject-author), `mr`, `policy`, ... */
    via: text('via').notNull(),
    /** The evidence: the matching commit, the MR address, the policy's reason. */
    evidence: text('evidence'),
    attemptId: id('attempt_id'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.repository, t.change, t.branch] }), index('ledger_branch').on(t.branch)],
);
export type LedgerState = 'present' | 'in_review' | 'conflicted' | 'refused' | 'not_needed';

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    /** Who: `api:admin`, `cli`, `worker:<id>`, `schedule:<name>`. */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subject: text('subject'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('audit_events_at').on(t.at)],
);

/** One row per fired slot of a schedule: the primary key is what makes it fire once. */
export const scheduleSlots = pgTable(
  'schedule_slots',
  {
    schedule: text('schedule').notNull(),
    slot: ts('slot').notNull(),
    claimedAt: ts('claimed_at').notNull().defaultNow(),
    claimedBy: text('claimed_by').notNull(),
    jobId: id('job_id'),
  },
  (t) => [primaryKey({ columns: [t.schedule, t.slot] })],
);

/** Where a reader got to (the CVE inbox's last message, a schedule's first sighting). */
export const cursors = pgTable('cursors', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Service-wide switches set by people: `paused`. */
export const controls = pgTable('controls', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

/**
 * The built-in tracker's requests (`ferry request add`): issues that live in Ferry's own
 * store, so the whole flow runs with no outside system. Keys are `<prefix>-<n>`.
 */
export const builtinIssues = pgTable(
  'builtin_issues',
  {
    key: text('key').primaryKey(),
    prefix: text('prefix').notNull(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    status: text('status').notNull().default('New'),
    fixVersions: jsonb('fix_versions').$type<string[]>().notNull().default([]),
    labels: jsonb('labels').$type<string[]>().notNull().default([]),
    commitHashLines: jsonb('commit_hash_lines').$type<string[]>().notNull().default([]),
    links: jsonb('links').$type<{ url: string; title: string | null }[]>().notNull().default([]),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('builtin_issues_number').on(t.prefix, t.number)],
);

export const builtinComments = pgTable(
  'builtin_comments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    issueKey: text('issue_key')
      .notNull()
      .references(() => builtinIssues.key),
    body: text('body').notNull(),
    /** Ferry's hidden marker: a comment with the same marker on the same issue is never added twice. */
    marker: text('marker'),
    author: text('author'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('builtin_comments_issue').on(t.issueKey),
    uniqueIndex('builtin_comments_marker').on(t.issueKey, t.marker),
  ],
);
