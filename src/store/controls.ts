import { eq, sql } from 'drizzle-orm';
import type { Tx } from './open.js';
import { controls } from './schema.js';

export interface PauseState {
  paused: boolean;
  since: Date | null;
  by: string | null;
}

/** Paused: triggers (webhooks, schedules) make no new work; deliveries are still stored. */
export async function getPauseState(db: Tx): Promise<PauseState> {
  const [row] = await db.select().from(controls).where(eq(controls.key, 'paused'));
  const paused = row?.value === true;
  return { paused, since: paused ? row!.updatedAt : null, by: paused ? row!.updatedBy : null };
}

export async function isPaused(db: Tx): Promise<boolean> {
  return (await getPauseState(db)).paused;
}

export async function setPaused(db: Tx, paused: boolean, by: string): Promise<void> {
  await db
    .insert(controls)
    .values({ key: 'paused', value: paused, updatedBy: by })
    .onConflictDoUpdate({
      target: controls.key,
      set: { value: paused, updatedBy: by, updatedAt: sql`now()` },
    });
}
