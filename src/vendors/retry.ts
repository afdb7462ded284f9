import {
  type HttpFailure,
  type Vendor,
  VendorNotFoundError,
  VendorRejectedError,
  VendorUnavailableError,
} from './errors.js';

/**
 * The one retry policy for every call Ferry makes to an outside system. Adapters wrap each
 * operation (not each HTTP request) in `withRetry`. A create is not safe to send twice: the
 * vendor may have made the thing and then answered 502, or the connection dropped before the
 * answer. Such a call passes `recover`, which runs before each retry (never before the first
 * try) and looks for what an earlier try made; when it finds it, that is the call's result and
 * the create is not sent again.
 */
export interface RetryPolicy {
  /** Tries in all, the first included; 1 means never retry. */
  attempts: number;
  /** Delay before the first retry; doubled for each further one. */
  baseDelayMs: number;
  /** No computed delay is longer than this. */
  maxDelayMs: number;
  /**
   * The longest `Retry-After` honoured in-process. A vendor asking for longer gets a
   * `VendorUnavailableError` carrying the wait, so the job queue can come back later
   * instead of holding a worker.
   */
  maxWaitMs: number;
  /** Spread delays randomly over [d/2, d] so many workers do not retry in step. */
  jitter: boolean;
  /** How to wait; tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
  /** Told about each retry before the wait (for logs and metrics). */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  vendor: Vendor;
  operation: string;
  /** The attempt that failed, 1-based. */
  attempt: number;
  delayMs: number;
  failure: HttpFailure;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxWaitMs: 120_000,
  jitter: true,
};

/** Statuses worth another try: no answer, timeouts, rate limits and server errors (not 501/505). */
export function isTransient(f: HttpFailure): boolean {
  if (f.status === null || f.rateLimited) return true;
  if (f.status === 408 || f.status === 429) return true;
  return f.status >= 500 && f.status !== 501 && f.status !== 505;
}

type HeaderBag = Headers | Record<string, string | string[] | number | undefined | null> | undefined | null;

function header(headers: HeaderBag, name: string): string | null {
  if (!headers) return null;
  // fetch's Headers, and axios's AxiosHeaders (whose get answers undefined when absent).
  if (typeof (headers as Headers).get === 'function') {
    const v = (headers as Headers).get(name);
    return v === undefined || v === null ? null : String(v);
  }
  const bag = headers as Record<string, unknown>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  if (key === undefined) return null;
  const v = bag[key];
  if (v === undefined || v === null) return null;
  return Array.isArray(v) ? String(v[0]) : String(v);
}

/** A reset instant as vendors write it: epoch seconds (GitHub, GitLab) or an ISO date (Jira). */
function resetInstantMs(value: string): number | null {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/**
 * How long the vendor asked us to wait, from `Retry-After` (seconds or an HTTP date), else
 * from a rate-limit reset header when the quota is spent. Null when it did not say.
 */
export function retryAfterMs(headers: HeaderBag, now = Date.now()): number | null {
  const ra = header(headers, 'retry-after');
  if (ra !== null) {
    const trimmed = ra.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const remaining = header(headers, 'x-ratelimit-remaining') ?? header(headers, 'ratelimit-remaining');
  const reset = header(headers, 'x-ratelimit-reset') ?? header(headers, 'ratelimit-reset');
  if (remaining !== null && Number(remaining) === 0 && reset !== null) {
    const at = resetInstantMs(reset.trim());
    if (at !== null) return Math.max(0, at - now);
  }
  return null;
}

function backoffMs(policy: RetryPolicy, attempt: number): number {
  const d = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return policy.jitter ? Math.round(d / 2 + (Math.random() * d) / 2) : d;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What `recover` is told: when the first try began, and which try is about to run (2 or more). */
export interface RecoverContext {
  /**
   * The instant before the first try was sent. Whatever that try made was made after it; a
   * vendor's clock may differ from ours, so compare with `CREATE_CLOCK_SKEW_MS` of slack.
   */
  since: Date;
  attempt: number;
}

export interface CallOptions<T> {
  /**
   * For a call that creates something: before each retry, look for what an earlier try may
   * have created, and return it (the call's result), or null to send the request again.
   */
  recover?: (ctx: RecoverContext) => Promise<T | null>;
}

/** `CallOptions` as a vendor client's `call` takes them: `recover` is handed the client's API too. */
export interface ClientCallOptions<A, T> {
  recover?: (api: A, ctx: RecoverContext) => Promise<T | null>;
}

/** Binds a client's API to its caller's `recover`. */
export function bindRecover<A, T>(
  api: () => A | Promise<A>,
  options: ClientCallOptions<A, T>,
): CallOptions<T> {
  const recover = options.recover;
  return recover ? { recover: async (ctx) => recover(await api(), ctx) } : {};
}

/** How far a vendor's clock may be behind ours when `recover` compares creation times. */
export const CREATE_CLOCK_SKEW_MS = 60_000;

/** Whether a vendor timestamp is not before `since`, give or take the allowed clock skew. */
export function createdSince(timestamp: string | null | undefined, since: Date): boolean {
  if (!timestamp) return false;
  const t = Date.parse(timestamp);
  return !Number.isNaN(t) && t >= since.getTime() - CREATE_CLOCK_SKEW_MS;
}

/**
 * Runs `fn`, retrying transient failures under `policy`. `classify` turns whatever the SDK
 * threw into an `HttpFailure`, or null for errors that are not the vendor's (a bug, a bad
 * argument), which are rethrown untouched. A permanent failure becomes a `VendorRejectedError`
 * (`VendorNotFoundError` for 404) with the vendor's message. With `options.recover`, each
 * retry first asks it for what an earlier try created (see `CallOptions`).
 */
export async function withRetry<T>(
  vendor: Vendor,
  operation: string,
  policy: RetryPolicy,
  classify: (e: unknown) => HttpFailure | null,
  fn: () => Promise<T>,
  options: CallOptions<T> = {},
): Promise<T> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  const sleep = policy.sleep ?? realSleep;
  const since = new Date();
  for (let attempt = 1; ; attempt++) {
    try {
      // A failed lookup is a failed try like any other: retried when transient, counted.
      if (attempt > 1 && options.recover) {
        const found = await options.recover({ since, attempt });
        if (found !== null) return found;
      }
      return await fn();
    } catch (e) {
      const failure = classify(e);
      if (failure === null) throw e;
      if (!isTransient(failure)) {
        if (failure.status === 404) throw new VendorNotFoundError(vendor, operation, failure);
        throw new VendorRejectedError(vendor, operation, failure);
      }
      const asked = failure.retryAfterMs;
      if (attempt >= attempts || (asked !== null && asked > policy.maxWaitMs))
        throw new VendorUnavailableError(vendor, operation, failure, attempt, asked);
      const delayMs = asked !== null ? asked : backoffMs(policy, attempt);
      policy.onRetry?.({ vendor, operation, attempt, delayMs, failure });
      await sleep(delayMs);
    }
  }
}

/** The policy for an adapter: the default, overridden by its `retry:` settings in ferry.yaml. */
export function retryPolicyFrom(
  settings?: { attempts: number; base_delay_ms: number; max_delay_ms: number; max_wait_ms: number },
  overrides: Partial<RetryPolicy> = {},
): RetryPolicy {
  return {
    ...defaultRetryPolicy,
    ...(settings
      ? {
          attempts: settings.attempts,
          baseDelayMs: settings.base_delay_ms,
          maxDelayMs: settings.max_delay_ms,
          maxWaitMs: settings.max_wait_ms,
        }
      : {}),
    ...overrides,
  };
}
