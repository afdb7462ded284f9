import { and, desc, eq, getTableColumns, lt, type SQL, sql } from 'drizzle-orm';
import type { Tx } from './open.js';
import { type RequestState, requests } from './schema.js';

export type Request = typeof requests.$inferSelect;

export interface NewRequest {
  tracker: string;
  trackerKey: string;
  stream: string;
  commits: string[];
  repository?: string;
  deliveryId?: number;
  requestedBy?: string;
  detail?: Record<string, unknown>;
}

/**
 * The request for (tracker, issue, stream): made when new, else its commit list is brought up
 * to date (an issue whose hashes field was edited) and `detail` merged in, key by key, so that
 * what one workflow keeps there (the CVE intake's fields) survives another's upsert (a
 * backport attempt's). `created` tells which.
 */
export async function upsertRequest(db: Tx, r: NewRequest): Promise<{ request: Request; created: boolean }> {
  const values = {
    tracker: r.tracker,
    trackerKey: r.trackerKey,
    stream: r.stream,
    commits: r.commits,
    repository: r.repository ?? null,
    deliveryId: r.deliveryId ?? null,
    requestedBy: r.requestedBy ?? null,
    detail: r.detail ?? {},
  };
  const [row] = await db
    .insert(requests)
    .values(values)
    .onConflictDoUpdate({
      target: [requests.tracker, requests.trackerKey, requests.stream],
      set: {
        commits: values.commits,
        detail: sql`${requests.detail} || excluded.detail`,
        deliveryId: sql`coalesce(excluded.delivery_id, ${requests.deliveryId})`,
        updatedAt: sql`now()`,
      },
    })
    // xmax is 0 only for a row this statement inserted.
    .returning({ ...getTableColumns(requests), inserted: sql<boolean>`(xmax = 0)` });
  const { inserted, ...request } = row!;
  return { request, created: Boolean(inserted) };
}

/** A new request; fails if one exists for the same tracker issue and stream. */
export async function createRequest(db: Tx, r: NewRequest): Promise<Request> {
  const [row] = await db
    .insert(requests)
    .values({
      tracker: r.tracker,
      trackerKey: r.trackerKey,
      stream: r.stream,
      commits: r.commits,
      repository: r.repository ?? null,
      deliveryId: r.deliveryId ?? null,
      requestedBy: r.requestedBy ?? null,
      detail: r.detail ?? {},
    })
    .returning();
  return row!;
}

export async function getRequest(db: Tx, id: number): Promise<Request | undefined> {
  const [row] = await db.select().from(requests).where(eq(requests.id, id));
  return row;
}

export async function findRequest(
  db: Tx,
  tracker: string,
  trackerKey: string,
  stream: string,
): Promise<Request | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(
      and(eq(requests.tracker, tracker), eq(requests.trackerKey, trackerKey), eq(requests.stream, stream)),
    );
  return row;
}

export async function setRequestState(db: Tx, id: number, state: RequestState): Promise<void> {
  await db.update(requests).set({ state, updatedAt: sql`now()` }).where(eq(requests.id, id));
}

export interface RequestFilter {
  tracker?: string;
  trackerKey?: string;
  stream?: string;
  state?: RequestState;
  limit?: number;
  beforeId?: number;
}

/** Newest first. */
export async function listRequests(db: Tx, f: RequestFilter = {}): Promise<Request[]> {
  const where: SQL[] = [];
  if (f.tracker) where.push(eq(requests.tracker, f.tracker));
  if (f.trackerKey) where.push(eq(requests.trackerKey, f.trackerKey));
  if (f.stream) where.push(eq(requests.stream, f.stream));
  if (f.state) where.push(eq(requests.state, f.state));
  if (f.beforeId) where.push(lt(requests.id, f.beforeId));
  return db
    .select()
    .from(requests)
    .where(and(...where))
    .orderBy(desc(requests.id))
    .limit(f.limit ?? 100);
}
