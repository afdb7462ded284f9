import { and, asc, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import { isPaused } from './controls.js';
import type { Db, Tx } from './open.js';
import { DEFAULT_MAX_ATTEMPTS } from './queue.js';
import { type DeliveryOutcome, deliveries, jobs } from './schema.js';

/** The job kind made for each handled delivery. */
export const DELIVERY_JOB = 'delivery';

export interface NewDelivery {
  source: string;
  dedupKey: string;
  /** The classifier's name for the event; null when Ferry does not handle it. */
  event: string | null;
  headers: Record<string, string>;
  body: string;
}

export type StoredOutcome = DeliveryOutcome | 'duplicate';

export interface StoredDelivery {
  /** The row's id (undefined for a duplicate: the earlier row is the one kept). */
  id?: number;
  outcome: StoredOutcome;
  jobId?: number;
}

export type Delivery = typeof deliveries.$inferSelect;

/**
 * Stores a batch of deliveries in one transaction: concurrent webhooks share one commit
 * (and one fsync) instead of waiting for one each. A handled delivery gets its `delivery`
 * job in the same transaction, or is held while the service is paused. A delivery whose
 * (source, dedup key) is already stored, in the table or earlier in the batch, is a duplicate
 * and adds nothing. Results are in the order of the input.
 */
export async function storeDeliveries(db: Db, batch: NewDelivery[]): Promise<StoredDelivery[]> {
  return db.transaction(async (tx) => {
    const paused = await isPaused(tx);
    const results: StoredDelivery[] = batch.map(() => ({ outcome: 'duplicate' }));
    const firstOfKey = new Map<string, number>();
    batch.forEach((d, i) => {
      const k = `${d.source}\u0000${d.dedupKey}`;
      if (!firstOfKey.has(k)) firstOfKey.set(k, i);
    });
    const unique = [...firstOfKey.values()];
    const outcomeOf = (d: NewDelivery): DeliveryOutcome =>
      d.event === null ? 'ignored' : paused ? 'held' : 'queued';
    const inserted = await tx
      .insert(deliveries)
      .values(
        unique.map((i) => {
          const d = batch[i]!;
          return {
            source: d.source,
            dedupKey: d.dedupKey,
            event: d.event,
            headers: d.headers,
            body: d.body,
            outcome: outcomeOf(d),
          };
        }),
      )
      .onConflictDoNothing({ target: [deliveries.source, deliveries.dedupKey] })
      .returning({
        id: deliveries.id,
        source: deliveries.source,
        dedupKey: deliveries.dedupKey,
        outcome: deliveries.outcome,
      });
    const queued: { index: number; id: number }[] = [];
    for (const row of inserted) {
      const index = firstOfKey.get(`${row.source}\u0000${row.dedupKey}`)!;
      results[index] = { id: row.id, outcome: row.outcome };
      if (row.outcome === 'queued') queued.push({ index, id: row.id });
    }
    if (queued.length > 0) {
      const made = await tx
        .insert(jobs)
        .values(queued.map((q) => deliveryJob(q.id)))
        .returning({ id: jobs.id, deliveryId: jobs.deliveryId });
      const byDelivery = new Map(made.map((j) => [j.deliveryId, j.id]));
      for (const q of queued) results[q.index]!.jobId = byDelivery.get(q.id);
    }
    return results;
  });
}

function deliveryJob(deliveryId: number) {
  return {
    kind: DELIVERY_JOB,
    payload: { delivery_id: deliveryId },
    deliveryId,
    dedupKey: `delivery:${deliveryId}`,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
  };
}

/** On resume: every delivery held while paused gets its job, oldest first. Returns how many. */
export async function releaseHeldDeliveries(db: Tx): Promise<number> {
  const held = await db
    .update(deliveries)
    .set({ outcome: 'queued' })
    .where(eq(deliveries.outcome, 'held'))
    .returning({ id: deliveries.id });
  if (held.length === 0) return 0;
  const ids = held.map((h) => h.id).sort((a, b) => a - b);
  await db.insert(jobs).values(ids.map(deliveryJob)).onConflictDoNothing({ target: jobs.dedupKey });
  return ids.length;
}

export async function getDelivery(db: Tx, id: number): Promise<Delivery | undefined> {
  const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id));
  return row;
}

export interface DeliveryFilter {
  source?: string;
  outcome?: DeliveryOutcome;
  limit?: number;
  beforeId?: number;
}

/** Newest first, without bodies. */
export async function listDeliveries(db: Tx, f: DeliveryFilter = {}): Promise<Omit<Delivery, 'body'>[]> {
  const where: SQL[] = [];
  if (f.source) where.push(eq(deliveries.source, f.source));
  if (f.outcome) where.push(eq(deliveries.outcome, f.outcome));
  if (f.beforeId) where.push(lt(deliveries.id, f.beforeId));
  return db
    .select({
      id: deliveries.id,
      source: deliveries.source,
      dedupKey: deliveries.dedupKey,
      event: deliveries.event,
      receivedAt: deliveries.receivedAt,
      headers: deliveries.headers,
      outcome: deliveries.outcome,
    })
    .from(deliveries)
    .where(and(...where))
    .orderBy(desc(deliveries.id))
    .limit(f.limit ?? 100);
}

/** Every stored delivery with this sender's key (tests and support: "did it arrive?"). */
export async function findDeliveries(db: Tx, source: string, dedupKeys: string[]): Promise<Delivery[]> {
  if (dedupKeys.length === 0) return [];
  return db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.source, source), inArray(deliveries.dedupKey, dedupKeys)))
    .orderBy(asc(deliveries.id));
}
