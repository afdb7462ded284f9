import { and, eq } from 'drizzle-orm';
import type { Db } from './open.js';
import { enqueue, type Job } from './queue.js';
import { scheduleSlots } from './schema.js';

/**
 * Claims one slot of a schedule and enqueues its job, in one transaction. The slot's
 * primary key makes this succeed once across every worker; the others get undefined.
 */
export async function claimScheduleSlot(
  db: Db,
  s: { schedule: string; slot: Date; claimedBy: string; job: string; payload: Record<string, unknown> },
): Promise<Job | undefined> {
  return db.transaction(async (tx) => {
    const won = await tx
      .insert(scheduleSlots)
      .values({ schedule: s.schedule, slot: s.slot, claimedBy: s.claimedBy })
      .onConflictDoNothing()
      .returning({ schedule: scheduleSlots.schedule });
    if (won.length === 0) return undefined;
    const { job } = await enqueue(tx, {
      kind: s.job,
      payload: { ...s.payload, schedule: s.schedule, slot: s.slot.toISOString() },
      dedupKey: `schedule:${s.schedule}:${s.slot.toISOString()}`,
    });
    await tx
      .update(scheduleSlots)
      .set({ jobId: job.id })
      .where(and(eq(scheduleSlots.schedule, s.schedule), eq(scheduleSlots.slot, s.slot)));
    return job;
  });
}

export async function listScheduleSlots(db: Db, schedule: string) {
  return db
    .select()
    .from(scheduleSlots)
    .where(eq(scheduleSlots.schedule, schedule))
    .orderBy(scheduleSlots.slot);
}
