import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { effectsFor } from '../store/effects.js';
import { type JobContext, type JobKinds, PermanentJobError } from '../store/job-kinds.js';
import type { Store } from '../store/open.js';
import {
  backoffDelay,
  claimJob,
  completeJob,
  extendLease,
  failJob,
  type Job,
  reapExpiredLeases,
  releaseJob,
} from '../store/queue.js';
import type { Logger } from './log.js';

export type JobOutcome = 'done' | 'retry' | 'dead' | 'released' | 'lost';

export interface WorkerOptions {
  store: Store;
  kinds: JobKinds;
  log: Logger;
  /** Names this worker in leases and logs; default host:pid:random. */
  id?: string;
  /** Jobs run at once. */
  concurrency?: number;
  leaseMs?: number;
  /** How often an idle worker looks for work (it is also woken when this process enqueues). */
  pollMs?: number;
  /** How often expired leases are looked for. */
  reapEveryMs?: number;
  /** Called on every tick of the timer (schedules fire from here). */
  onTick?: () => Promise<void>;
  tickEveryMs?: number;
  /** Observes each finished run (metrics). */
  onJobEnd?: (job: Job, outcome: JobOutcome, seconds: number) => void;
  /**
   * Awaited before each claim: lets latency-critical work in this process go first (the
   * webhook writer, whose acknowledgements wait on the store; PGlite runs one query at a time).
   */
  yieldTo?: () => Promise<void>;
}

class ShutdownAbort extends Error {
  override name = 'ShutdownAbort';
}
class LeaseLost extends Error {
  override name = 'LeaseLost';
}

/**
 * Claims jobs and runs their registered handlers. While a job runs its lease is renewed;
 * a job with a lock key runs only while this worker holds that key's lock (otherwise it is
 * given back for a little while). On stop, running jobs get `grace` to finish; then their
 * handlers are told to stop and their leases are released, so another worker takes them at
 * once instead of after the lease.
 */
export class Worker {
  readonly id: string;
  private readonly o: Required<Omit<WorkerOptions, 'onTick' | 'onJobEnd' | 'id' | 'yieldTo'>> &
    Pick<WorkerOptions, 'onTick' | 'onJobEnd' | 'yieldTo'>;
  private stopping = false;
  private readonly running = new Map<number, { job: Job; abort: AbortController; done: Promise<void> }>();
  private loops: Promise<void>[] = [];
  private wakers: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(opts: WorkerOptions) {
    this.id = opts.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    const leaseMs = opts.leaseMs ?? 60_000;
    this.o = {
      store: opts.store,
      kinds: opts.kinds,
      log: opts.log.child({ worker: this.id }),
      concurrency: opts.concurrency ?? 1,
      leaseMs,
      pollMs: opts.pollMs ?? 500,
      reapEveryMs: opts.reapEveryMs ?? Math.min(leaseMs / 2, 5_000),
      tickEveryMs: opts.tickEveryMs ?? 1_000,
      onTick: opts.onTick,
      onJobEnd: opts.onJobEnd,
      yieldTo: opts.yieldTo,
    };
  }

  start(): void {
    const { log } = this.o;
    log.info({ concurrency: this.o.concurrency, kinds: this.o.kinds.names() }, 'worker started');
    for (let i = 0; i < this.o.concurrency; i++) this.loops.push(this.loop());
    this.timers.push(
      setInterval(() => {
        this.o.store.maintain().catch((e) => log.warn({ err: e }, 'store maintenance failed'));
        reapExpiredLeases(this.o.store.db).then(
          (reaped) => {
            for (const r of reaped)
              log.warn({ job_id: r.id, state: r.state }, 'lease expired; job given back');
            if (reaped.length > 0) this.wake();
          },
          (e) => log.error({ err: e }, 'reaping expired leases failed'),
        );
      }, this.o.reapEveryMs),
    );
    if (this.o.onTick) {
      const tick = this.o.onTick;
      let busy = false;
      this.timers.push(
        setInterval(() => {
          if (busy || this.stopping) return;
          busy = true;
          tick()
            .then(() => this.wake())
            .catch((e) => log.error({ err: e }, 'timer tick failed'))
            .finally(() => {
              busy = false;
            });
        }, this.o.tickEveryMs),
      );
    }
    for (const t of this.timers) t.unref();
  }

  /** Look for work now (something was just enqueued). */
  wake(): void {
    const w = this.wakers;
    this.wakers = [];
    for (const f of w) f();
  }

  inFlight(): Job[] {
    return [...this.running.values()].map((r) => r.job);
  }

  /**
   * Stops claiming; waits up to `graceMs` for running jobs; then asks the rest to stop and
   * releases their leases. Returns the ids of the jobs released.
   */
  async stop(graceMs = 30_000): Promise<number[]> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.wake();
    const all = () => Promise.all([...this.running.values()].map((r) => r.done));
    await Promise.race([all(), sleep(graceMs)]);
    const released: number[] = [];
    if (this.running.size > 0) {
      const left = [...this.running.values()];
      this.o.log.warn({ jobs: left.map((r) => r.job.id) }, 'shutdown: asking running jobs to stop');
      for (const r of left) r.abort.abort(new ShutdownAbort('the worker is shutting down'));
      // A handler that honours its signal ends (and is released) here; one that does not is
      // released anyway, and whatever it does afterwards no longer counts.
      await Promise.race([all(), sleep(2_000)]);
      for (const r of this.running.values()) {
        if (await releaseJob(this.o.store.db, r.job.id, this.id)) released.push(r.job.id);
      }
      for (const r of left) if (!this.running.has(r.job.id)) released.push(r.job.id);
    }
    await Promise.race([Promise.all(this.loops), sleep(1_000)]);
    this.o.log.info({ released }, 'worker stopped');
    return released;
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, this.o.pollMs);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakers.push(done);
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let job: Job | undefined;
      try {
        // A turn of the event loop before each claim: PGlite answers without ever leaving the
        // microtask queue, so without it a worker with a backlog would run job after job while
        // no webhook is even read (measured: the loop blocked for 4.7 s at a time).
        await yieldToEventLoop();
        if (this.o.yieldTo) await this.o.yieldTo();
        if (this.stopping) break;
        job = await claimJob(this.o.store.db, {
          workerId: this.id,
          leaseMs: this.o.leaseMs,
          kinds: this.o.kinds.names(),
        });
      } catch (e) {
        if (this.stopping) break;
        this.o.log.error({ err: e }, 'claiming a job failed');
      }
      if (this.stopping && job) {
        await releaseJob(this.o.store.db, job.id, this.id);
        break;
      }
      if (!job) {
        await this.idle();
        continue;
      }
      const abort = new AbortController();
      const done = this.run(job, abort).catch((e) =>
        this.o.log.error({ err: e, job_id: job.id }, 'job bookkeeping failed'),
      );
      this.running.set(job.id, { job, abort, done });
      await done;
      this.running.delete(job.id);
    }
  }

  private async run(job: Job, abort: AbortController): Promise<void> {
    const { store, kinds, leaseMs } = this.o;
    const started = performance.now();
    const log = this.o.log.child({
      job_id: job.id,
      kind: job.kind,
      ...(job.deliveryId ? { delivery_id: job.deliveryId } : {}),
      attempt: job.attempts,
    });
    const end = (outcome: JobOutcome) => {
      this.o.onJobEnd?.(job, outcome, (performance.now() - started) / 1000);
    };
    const kind = kinds.get(job.kind)!;
    const heartbeat = setInterval(
      () => {
        extendLease(store.db, job.id, this.id, leaseMs).then(
          (held) => {
            if (!held && !abort.signal.aborted) {
              log.warn('lease lost: another worker may run this job now');
              abort.abort(new LeaseLost('the lease was lost'));
            }
          },
          (e) => log.warn({ err: e }, 'renewing the lease failed'),
        );
      },
      Math.max(50, leaseMs / 3),
    );
    heartbeat.unref();
    const ctx: JobContext = {
      job,
      payload: job.payload,
      store,
      log,
      effects: effectsFor(store.db, `job:${job.id}`, job.id),
      effectsIn: (scope) => effectsFor(store.db, scope, job.id),
      signal: abort.signal,
    };
    log.info('job started');
    try {
      const lockKey = job.lockKey ?? kind.options.lockKey?.(job.payload);
      let result: unknown;
      if (lockKey) {
        const r = await store.tryWithKeyLock(lockKey, () => kind.handler(ctx));
        if (!r.acquired) {
          const delay = 500 + Math.round(Math.random() * 1000);
          await releaseJob(store.db, job.id, this.id, delay);
          log.debug({ lock_key: lockKey, delay_ms: delay }, 'lock key busy; job given back');
          end('released');
          return;
        }
        result = r.value;
      } else {
        result = await kind.handler(ctx);
      }
      if (await completeJob(store.db, job.id, this.id, result ?? null)) {
        log.info({ ms: Math.round(performance.now() - started) }, 'job done');
        end('done');
      } else {
        log.warn('job finished after its lease was lost; the result is not recorded');
        end('lost');
      }
    } catch (e) {
      const reason = abort.signal.reason;
      if (reason instanceof LeaseLost) {
        log.warn({ err: e }, 'job stopped after losing its lease');
        end('lost');
      } else if (reason instanceof ShutdownAbort) {
        await releaseJob(store.db, job.id, this.id);
        log.info('job stopped for shutdown; lease released');
        end('released');
      } else {
        const message = e instanceof Error ? e.message : String(e);
        const permanent = e instanceof PermanentJobError;
        const retryInMs = backoffDelay(job.attempts, kind.options.backoff);
        const state = await failJob(store.db, job.id, this.id, message, { retryInMs, permanent });
        if (state === 'dead') {
          log.error(
            { err: e },
            permanent ? 'job failed permanently; dead' : 'job failed on its last try; dead',
          );
          end('dead');
        } else {
          log.warn({ err: e, retry_in_ms: retryInMs }, 'job failed; will retry');
          end('retry');
        }
      }
    } finally {
      clearInterval(heartbeat);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
