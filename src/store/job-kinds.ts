import type { Effects } from './effects.js';
import type { Store } from './open.js';
import type { Backoff, Job } from './queue.js';

/** The logging a handler gets: pino's shape, with the job and delivery ids already bound. */
export interface JobLog {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface JobContext<P = Record<string, unknown>> {
  job: Job;
  payload: P;
  store: Store;
  log: JobLog;
  /** Side effects under idempotency keys, scoped to this job (`effectsIn` for a wider scope). */
  effects: Effects;
  /** Effects scoped by the caller, e.g. `request:<id>`, so that two jobs of one request share them. */
  effectsIn(scope: string): Effects;
  /** Aborted when the worker shuts down or loses the lease: stop, and the job is given back. */
  signal: AbortSignal;
}

export type JobHandler<P = Record<string, unknown>> = (ctx: JobContext<P>) => Promise<unknown>;

export interface JobKindOptions<P = Record<string, unknown>> {
  /**
   * Jobs of this kind with the same key never run at once: return `<repository>:<branch>`
   * for a job that pushes a bot branch. Undefined: no mutual exclusion.
   */
  lockKey?: (payload: P) => string | undefined;
  backoff?: Backoff;
}

/** A failure that another try will not fix (a 4xx from a forge): the job goes `dead` at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export interface JobKind {
  kind: string;
  handler: JobHandler;
  options: JobKindOptions;
}

/** Job kinds by name. Workflows register theirs; workers run whatever is registered. */
export class JobKinds {
  private readonly kinds = new Map<string, JobKind>();

  register<P = Record<string, unknown>>(
    kind: string,
    handler: JobHandler<P>,
    options: JobKindOptions<P> = {},
  ): void {
    if (this.kinds.has(kind)) throw new Error(`job kind '${kind}' is already registered`);
    this.kinds.set(kind, { kind, handler: handler as JobHandler, options: options as JobKindOptions });
  }

  get(kind: string): JobKind | undefined {
    return this.kinds.get(kind);
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }
}

/** The registry the service runs with. */
export const jobKinds = new JobKinds();

export function registerJobKind<P = Record<string, unknown>>(
  kind: string,
  handler: JobHandler<P>,
  options?: JobKindOptions<P>,
): void {
  jobKinds.register(kind, handler, options);
}
