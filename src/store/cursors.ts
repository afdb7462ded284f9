import { eq, sql } from 'drizzle-orm';
import type { Tx } from './open.js';
import { cursors } from './schema.js';

/** Where a reader got to, by key (`cve-inbox:last-message`, `schedule:nightly:since`). */
export async function getCursor<T = unknown>(db: Tx, key: string): Promise<T | undefined> {
  const [row] = await db.select({ value: cursors.value }).from(cursors).where(eq(cursors.key, key));
  return row ? (row.value as T) : undefined;
}

export async function putCursor(db: Tx, key: string, value: unknown): Promise<void> {
  await db
    .insert(cursors)
    .values({ key, value: value as never })
    .onConflictDoUpdate({ target: cursors.key, set: { value: value as never, updatedAt: sql`now()` } });
}

/** Sets the cursor only if it has no value yet; returns the value it has afterwards. */
export async function initCursor<T>(db: Tx, key: string, value: T): Promise<T> {
  await db
    .insert(cursors)
    .values({ key, value: value as never })
    .onConflictDoNothing();
  return (await getCursor<T>(db, key)) as T;
}
