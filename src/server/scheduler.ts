import { CronExpressionParser } from 'cron-parser';
import type { Schedule } from '../config/schedules.js';
import { isPaused } from '../store/controls.js';
import { initCursor } from '../store/cursors.js';
import type { Store } from '../store/open.js';
import type { Job } from '../store/queue.js';
import { claimScheduleSlot } from '../store/schedule-slots.js';

/** The latest slot of `cron` at or before `now`. */
export function latestSlot(s: Pick<Schedule, 'cron' | 'timezone'>, now: Date): Date {
  const it = CronExpressionParser.parse(s.cron, { currentDate: new Date(now.getTime() + 1), tz: s.timezone });
  return it.prev().toDate();
}

/**
 * Fires the slots that are due. Only a schedule's latest slot is ever considered, so slots
 * missed while every worker was down (or the service was paused) run once, not once each;
 * and slots before the schedule was first seen do not run at all. Claiming a slot is a
 * unique insert, so across any number of workers each slot fires once.
 */
export async function fireDueSchedules(
  store: Store,
  schedules: Record<string, Schedule>,
  by: string,
  now = new Date(),
): Promise<Job[]> {
  const names = Object.keys(schedules);
  if (names.length === 0 || (await isPaused(store.db))) return [];
  const fired: Job[] = [];
  for (const name of names) {
    const s = schedules[name]!;
    const since = new Date(await initCursor(store.db, `schedule:${name}:since`, now.toISOString()));
    const slot = latestSlot(s, now);
    if (slot < since) continue;
    const job = await claimScheduleSlot(store.db, {
      schedule: name,
      slot,
      claimedBy: by,
      job: s.job,
      payload: s.payload,
    });
    if (job) fired.push(job);
  }
  return fired;
}
