import { recordAudit } from '../store/audit.js';
import { getPauseState, type PauseState, setPaused } from '../store/controls.js';
import { releaseHeldDeliveries } from '../store/deliveries.js';
import type { Store } from '../store/open.js';
import { countJobsByState, type RetryOutcome, retryJob } from '../store/queue.js';
import type { JobState } from '../store/schema.js';

/**
 * What `ferry pause | resume | drain | jobs retry` and the admin API do, in one place, so the
 * command works the same against a running service or directly on the store.
 */

export interface ServiceStatus {
  paused: boolean;
  paused_since: string | null;
  paused_by: string | null;
  jobs: Record<JobState, number>;
}

export async function serviceStatus(store: Store): Promise<ServiceStatus> {
  const p: PauseState = await getPauseState(store.db);
  return {
    paused: p.paused,
    paused_since: p.since?.toISOString() ?? null,
    paused_by: p.by,
    jobs: await countJobsByState(store.db),
  };
}

/** Triggers stop making work: webhooks are stored as held, schedules do not fire. Running and queued jobs go on. */
export async function pauseService(store: Store, actor: string): Promise<ServiceStatus> {
  await store.db.transaction(async (tx) => {
    await setPaused(tx, true, actor);
    await recordAudit(tx, { actor, action: 'pause' });
  });
  return serviceStatus(store);
}

/** Triggers make work again; every delivery held meanwhile gets its job, oldest first. */
export async function resumeService(
  store: Store,
  actor: string,
): Promise<ServiceStatus & { released: number }> {
  const released = await store.db.transaction(async (tx) => {
    await setPaused(tx, false, actor);
    const n = await releaseHeldDeliveries(tx);
    await recordAudit(tx, { actor, action: 'resume', detail: { held_deliveries_released: n } });
    return n;
  });
  return { ...(await serviceStatus(store)), released };
}

export async function retryDeadJob(store: Store, id: number, actor: string): Promise<RetryOutcome> {
  return store.db.transaction(async (tx) => {
    const r = await retryJob(tx, id);
    if (r.retried) await recordAudit(tx, { actor, action: 'retry', subject: `job:${id}` });
    return r;
  });
}

/** Jobs drain waits for: queued (including those waiting for a retry) and running. */
export function pendingJobs(s: ServiceStatus): number {
  return s.jobs.queued + s.jobs.running;
}
