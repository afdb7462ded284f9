import { and, desc, eq, lt, type SQL, sql } from 'drizzle-orm';
import type { Tx } from './open.js';
import { type AttemptState, type AttemptStep, attempts } from './schema.js';

export type Attempt = typeof attempts.$inferSelect;
/** The states an attempt ends in. */
export type FinalAttemptState = Exclude<AttemptState, 'queued' | 'running'>;

/** A new attempt of a request, `running` unless `state: 'queued'` is given. */
export async function startAttempt(
  db: Tx,
  a: { requestId: number; jobId?: number; botBranch?: string; state?: 'queued' | 'running' },
): Promise<Attempt> {
  const state = a.state ?? 'running';
  const [row] = await db
    .insert(attempts)
    .values({
      requestId: a.requestId,
      jobId: a.jobId ?? null,
      botBranch: a.botBranch ?? null,
      state,
      startedAt: state === 'running' ? sql`now()` : null,
    })
    .returning();
  return row!;
}

/** Appends one step to the attempt's log (atomically: concurrent appends are all kept). */
export async function recordStep(
  db: Tx,
  attemptId: number,
  step: { step: string; outcome: AttemptStep['outcome']; detail?: Record<string, unknown> },
): Promise<void> {
  const entry: AttemptStep = { at: new Date().toISOString(), ...step };
  await db
    .update(attempts)
    .set({ steps: sql`${attempts.steps} || ${JSON.stringify([entry])}::jsonb` })
    .where(eq(attempts.id, attemptId));
}

/** Changes what is known while the attempt runs: the bot branch, the MR, per-commit results. */
export async function updateAttempt(
  db: Tx,
  attemptId: number,
  patch: {
    state?: 'queued' | 'running';
    botBranch?: string;
    mrUrl?: string;
    results?: unknown[];
    jobId?: number;
  },
): Promise<void> {
  const set: Partial<typeof attempts.$inferInsert> = {};
  if (patch.state) {
    set.state = patch.state;
    if (patch.state === 'running') set.startedAt = sql`coalesce(${attempts.startedAt}, now())` as never;
  }
  if (patch.botBranch !== undefined) set.botBranch = patch.botBranch;
  if (patch.mrUrl !== undefined) set.mrUrl = patch.mrUrl;
  if (patch.results !== undefined) set.results = patch.results;
  if (patch.jobId !== undefined) set.jobId = patch.jobId;
  if (Object.keys(set).length === 0) return;
  await db.update(attempts).set(set).where(eq(attempts.id, attemptId));
}

/** Ends the attempt with its outcome and the reason a person reads. */
export async function finishAttempt(
  db: Tx,
  attemptId: number,
  end: { state: FinalAttemptState; reason?: string; results?: unknown[]; mrUrl?: string },
): Promise<Attempt> {
  const [row] = await db
    .update(attempts)
    .set({
      state: end.state,
      reason: end.reason ?? null,
      ...(end.results !== undefined ? { results: end.results } : {}),
      ...(end.mrUrl !== undefined ? { mrUrl: end.mrUrl } : {}),
      finishedAt: sql`now()`,
    })
    .where(eq(attempts.id, attemptId))
    .returning();
  return row!;
}

export async function getAttempt(db: Tx, id: number): Promise<Attempt | undefined> {
  const [row] = await db.select().from(attempts).where(eq(attempts.id, id));
  return row;
}

export interface AttemptFilter {
  requestId?: number;
  state?: AttemptState;
  limit?: number;
  beforeId?: number;
}

/** Newest first. */
export async function listAttempts(db: Tx, f: AttemptFilter = {}): Promise<Attempt[]> {
  const where: SQL[] = [];
  if (f.requestId) where.push(eq(attempts.requestId, f.requestId));
  if (f.state) where.push(eq(attempts.state, f.state));
  if (f.beforeId) where.push(lt(attempts.id, f.beforeId));
  return db
    .select()
    .from(attempts)
    .where(and(...where))
    .orderBy(desc(attempts.id))
    .limit(f.limit ?? 100);
}

export async function countAttemptsByState(db: Tx): Promise<Record<string, number>> {
  const rows = await db
    .select({ state: attempts.state, n: sql<number>`count(*)::int` })
    .from(attempts)
    .groupBy(attempts.state);
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}
