import { and, asc, desc, eq, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Tx } from './open.js';
import { type JobState, jobs } from './schema.js';

/**
 * The job queue: a table with leases. A worker claims the oldest ready job with
 * `FOR UPDATE SKIP LOCKED` (so workers never wait on each other), renews its lease while
 * the job runs, and ends it done, queued again after a backoff, or dead after its last try.
 * A job whose worker died is found by `reapExpiredLeases` once its lease has run out.
 * Every change to a running job names the worker, so a worker that lost its lease cannot
 * overwrite what the next one did.
 */

export type Job = typeof jobs.$inferSelect;
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'dead'];

export interface EnqueueOptions {
  kind: string;
  payload?: Record<string, unknown>;
  /** Not before this time (default now). */
  runAt?: Date;
  priority?: number;
  maxAttempts?: number;
  /** Jobs with the same lock key never run at once: `<repository>:<branch>`. */
  lockKey?: string;
  /** Enqueueing again with the same key returns the existing job instead of a new one. */
  dedupKey?: string;
  deliveryId?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

/** Adds a job; with a dedup key already used, returns that job and `created: false`. */
export async function enqueue(db: Tx, o: EnqueueOptions): Promise<{ job: Job; created: boolean }> {
  const [job] = await db
    .insert(jobs)
    .values({
      kind: o.kind,
      payload: o.payload ?? {},
      runAt: o.runAt ?? sql`now()`,
      priority: o.priority ?? 0,
      maxAttempts: o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      lockKey: o.lockKey ?? null,
      dedupKey: o.dedupKey ?? null,
      deliveryId: o.deliveryId ?? null,
    })
    .onConflictDoNothing({ target: jobs.dedupKey })
    .returning();
  if (job) return { job, created: true };
  const [existing] = await db.select().from(jobs).where(eq(jobs.dedupKey, o.dedupKey!));
  return { job: existing!, created: false };
}

export interface ClaimOptions {
  workerId: string;
  leaseMs: number;
  /** Only these kinds (default: any). */
  kinds?: string[];
}

const leaseFromNow = (ms: number) => sql`now() + make_interval(secs => ${ms / 1000})`;

/** Takes the next ready job, or undefined when there is none free. */
export async function claimJob(db: Tx, o: ClaimOptions): Promise<Job | undefined> {
  const ready: SQL[] = [eq(jobs.state, 'queued'), lte(jobs.runAt, sql`now()`)];
  if (o.kinds) ready.push(inArray(jobs.kind, o.kinds));
  const next = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(...ready))
    .orderBy(asc(jobs.priority), asc(jobs.runAt), asc(jobs.id))
    .limit(1)
    .for('update', { skipLocked: true });
  const [job] = await db
    .update(jobs)
    .set({
      state: 'running',
      attempts: sql`${jobs.attempts} + 1`,
      leaseUntil: leaseFromNow(o.leaseMs),
      lockedBy: o.workerId,
      startedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(inArray(jobs.id, next))
    .returning();
  return job;
}

const heldBy = (id: number, workerId: string) =>
  and(eq(jobs.id, id), eq(jobs.state, 'running'), eq(jobs.lockedBy, workerId));

/** Renews the lease; false when this worker no longer holds the job. */
export async function extendLease(db: Tx, id: number, workerId: string, leaseMs: number): Promise<boolean> {
  const r = await db
    .update(jobs)
    .set({ leaseUntil: leaseFromNow(leaseMs), updatedAt: sql`now()` })
    .where(heldBy(id, workerId))
    .returning({ id: jobs.id });
  return r.length > 0;
}

export async function completeJob(db: Tx, id: number, workerId: string, result?: unknown): Promise<boolean> {
  const r = await db
    .update(jobs)
    .set({
      state: 'done',
      result: result ?? null,
      leaseUntil: null,
      finishedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(heldBy(id, workerId))
    .returning({ id: jobs.id });
  return r.length > 0;
}

export interface Backoff {
  baseMs: number;
  maxMs: number;
}
export const DEFAULT_BACKOFF: Backoff = { baseMs: 1000, maxMs: 60 * 60 * 1000 };

/**
 * Delay before try `attempt + 1`: doubling from `baseMs`, capped, with jitter over the upper
 * half so that jobs failing together do not come back together.
 */
export function backoffDelay(attempt: number, b: Backoff = DEFAULT_BACKOFF, random = Math.random): number {
  const ceiling = Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Records a failed try. The job is queued again after `retryInMs`, or is `dead` when it
 * was its last try or the failure is permanent.
 */
export async function failJob(
  db: Tx,
  id: number,
  workerId: string,
  error: string,
  o: { retryInMs: number; permanent?: boolean },
): Promise<JobState | undefined> {
  const dead = o.permanent ? sql`true` : sql`${jobs.attempts} >= ${jobs.maxAttempts}`;
  const [r] = await db
    .update(jobs)
    .set({
      state: sql`CASE WHEN ${dead} THEN 'dead' ELSE 'queued' END`,
      runAt: sql`CASE WHEN ${dead} THEN ${jobs.runAt} ELSE now() + make_interval(secs => ${o.retryInMs / 1000}) END`,
      finishedAt: sql`CASE WHEN ${dead} THEN now() ELSE NULL END`,
      lastError: error,
      leaseUntil: null,
      lockedBy: null,
      updatedAt: sql`now()`,
    })
    .where(heldBy(id, workerId))
    .returning({ state: jobs.state });
  return r?.state;
}

/**
 * Gives a job back without counting the try: on shutdown, or when its lock key is busy.
 * It becomes ready again after `delayMs`.
 */
export async function releaseJob(db: Tx, id: number, workerId: string, delayMs = 0): Promise<boolean> {
  const r = await db
    .update(jobs)
    .set({
      state: 'queued',
      attempts: sql`greatest(${jobs.attempts} - 1, 0)`,
      runAt: sql`now() + make_interval(secs => ${delayMs / 1000})`,
      leaseUntil: null,
      lockedBy: null,
      updatedAt: sql`now()`,
    })
    .where(heldBy(id, workerId))
    .returning({ id: jobs.id });
  return r.length > 0;
}

/**
 * Jobs whose lease ran out (their worker died or hung) are queued again, or dead when that
 * was their last try. Returns what was done.
 */
export async function reapExpiredLeases(db: Tx): Promise<{ id: number; state: JobState }[]> {
  return db
    .update(jobs)
    .set({
      state: sql`CASE WHEN ${jobs.attempts} >= ${jobs.maxAttempts} THEN 'dead' ELSE 'queued' END`,
      lastError: sql`'lease expired: worker ' || coalesce(${jobs.lockedBy}, '?') || ' stopped renewing it'`,
      finishedAt: sql`CASE WHEN ${jobs.attempts} >= ${jobs.maxAttempts} THEN now() ELSE NULL END`,
      runAt: sql`now()`,
      leaseUntil: null,
      lockedBy: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(jobs.state, 'running'), lt(jobs.leaseUntil, sql`now()`)))
    .returning({ id: jobs.id, state: jobs.state });
}

export type RetryOutcome =
  | { retried: true; job: Job }
  | { retried: false; reason: 'not-found' | 'not-dead'; job?: Job };

/** Puts a dead job back in the queue with its tries counted from zero. */
export async function retryJob(db: Tx, id: number): Promise<RetryOutcome> {
  const [job] = await db
    .update(jobs)
    .set({ state: 'queued', attempts: 0, runAt: sql`now()`, finishedAt: null, updatedAt: sql`now()` })
    .where(and(eq(jobs.id, id), eq(jobs.state, 'dead')))
    .returning();
  if (job) return { retried: true, job };
  const [existing] = await db.select().from(jobs).where(eq(jobs.id, id));
  return existing
    ? { retried: false, reason: 'not-dead', job: existing }
    : { retried: false, reason: 'not-found' };
}

export async function getJob(db: Tx, id: number): Promise<Job | undefined> {
  const [job] = await db.select().from(jobs).where(eq(jobs.id, id));
  return job;
}

export interface JobFilter {
  state?: JobState;
  kind?: string;
  limit?: number;
  /** Only jobs with a smaller id (paging newest first). */
  beforeId?: number;
}

/** Newest first. */
export async function listJobs(db: Tx, f: JobFilter = {}): Promise<Job[]> {
  const where: SQL[] = [];
  if (f.state) where.push(eq(jobs.state, f.state));
  if (f.kind) where.push(eq(jobs.kind, f.kind));
  if (f.beforeId) where.push(lt(jobs.id, f.beforeId));
  return db
    .select()
    .from(jobs)
    .where(and(...where))
    .orderBy(desc(jobs.id))
    .limit(f.limit ?? 100);
}

export async function countJobsByState(db: Tx): Promise<Record<JobState, number>> {
  const rows = await db
    .select({ state: jobs.state, n: sql<number>`count(*)::int` })
    .from(jobs)
    .groupBy(jobs.state);
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
  for (const r of rows) counts[r.state] = Number(r.n);
  return counts;
}
