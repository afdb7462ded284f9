import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  VendorNotFoundError,
  VendorRejectedError,
  VendorUnavailableError,
} from '../../src/vendors/errors.js';
import {
  CREATE_CLOCK_SKEW_MS,
  createdSince,
  defaultRetryPolicy,
  type RecoverContext,
  type RetryPolicy,
  retryAfterMs,
  retryPolicyFrom,
  withRetry,
} from '../../src/vendors/retry.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

test('Retry-After in seconds or as an HTTP date; reset headers only when the quota is spent', () => {
  assert.equal(retryAfterMs({ 'Retry-After': '3' }, NOW), 3000);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': '1.5' }), NOW), 1500);
  assert.equal(retryAfterMs({ 'retry-after': 'Sun, 01 Jun 2025 12:00:30 GMT' }, NOW), 30_000);
  assert.equal(retryAfterMs({ 'retry-after': 'Sun, 01 Jun 2025 11:00:00 GMT' }, NOW), 0);
  // GitHub: epoch seconds; Jira: an ISO instant; both only when nothing is left.
  assert.equal(
    retryAfterMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 60) }, NOW),
    60_000,
  );
  assert.equal(
    retryAfterMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2025-06-01T12:02Z' }, NOW),
    120_000,
  );
  assert.equal(
    retryAfterMs({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': String(NOW / 1000 + 60) }, NOW),
    null,
  );
  assert.equal(retryAfterMs({}, NOW), null);
  assert.equal(retryAfterMs(undefined, NOW), null);
});

function policy(attempts = 3): RetryPolicy & { slept: number[] } {
  const slept: number[] = [];
  return {
    attempts,
    baseDelayMs: 10,
    maxDelayMs: 25,
    maxWaitMs: 1000,
    jitter: false,
    slept,
    sleep: async (ms) => void slept.push(ms),
  };
}

const failure = (status: number | null, extra: object = {}) => ({
  status,
  retryAfterMs: null,
  message: `status ${status}`,
  details: [],
  ...extra,
});

test('transient failures are retried with doubling delays, capped; then unavailable', async () => {
  const p = policy(4);
  let calls = 0;
  await assert.rejects(
    withRetry(
      'gitlab',
      'op',
      p,
      (e) => e as never,
      async () => {
        calls++;
        throw failure(calls === 1 ? null : 502);
      },
    ),
    (e: unknown) => e instanceof VendorUnavailableError && e.attempts === 4 && e.status === 502,
  );
  assert.equal(calls, 4);
  assert.deepEqual(p.slept, [10, 20, 25]);
});

test('recover runs before each retry, never before the first try; what it finds is the result', async () => {
  const p = policy(4);
  const log: string[] = [];
  const seen: RecoverContext[] = [];
  let made = 0;
  // The create "succeeds" on the vendor's side every time but the answer is lost (502).
  const result = await withRetry(
    'github',
    'create issue',
    p,
    (e) => e as never,
    async () => {
      log.push('create');
      made++;
      throw failure(502);
    },
    {
      recover: async (ctx) => {
        log.push('recover');
        seen.push(ctx);
        return made > 0 ? `issue #${made}` : null;
      },
    },
  );
  assert.equal(result, 'issue #1');
  assert.deepEqual(log, ['create', 'recover']);
  assert.equal(seen[0]!.attempt, 2);
  assert.ok(seen[0]!.since instanceof Date);

  // Nothing found: the request is sent again; a failure of the lookup itself is a failed try.
  const log2: string[] = [];
  let lookups = 0;
  const second = await withRetry(
    'gitlab',
    'create issue',
    p,
    (e) => e as never,
    async () => {
      log2.push('create');
      if (log2.filter((x) => x === 'create').length === 1) throw failure(502);
      return 'made';
    },
    {
      recover: async () => {
        log2.push('recover');
        if (++lookups === 1) throw failure(503);
        return null;
      },
    },
  );
  assert.equal(second, 'made');
  assert.deepEqual(log2, ['create', 'recover', 'recover', 'create']);

  // A permanent refusal of the lookup ends the call, as for any request.
  await assert.rejects(
    withRetry(
      'jira',
      'create issue',
      p,
      (e) => e as never,
      async () => Promise.reject(failure(502)),
      { recover: async () => Promise.reject(failure(400)) },
    ),
    VendorRejectedError,
  );
});

test('createdSince allows the clock skew and nothing more', () => {
  const since = new Date(NOW);
  assert.equal(createdSince(new Date(NOW + 1000).toISOString(), since), true);
  assert.equal(createdSince(new Date(NOW - CREATE_CLOCK_SKEW_MS).toISOString(), since), true);
  assert.equal(createdSince(new Date(NOW - CREATE_CLOCK_SKEW_MS - 1000).toISOString(), since), false);
  assert.equal(createdSince('2025-06-01T12:00:30.000+0000', since), true, "Jira's offset form");
  assert.equal(createdSince(null, since), false);
  assert.equal(createdSince('not a date', since), false);
});

test('permanent failures are not retried; 404 has its own class; non-vendor errors pass through', async () => {
  const p = policy();
  for (const [status, cls] of [
    [400, VendorRejectedError],
    [404, VendorNotFoundError],
    [422, VendorRejectedError],
    [501, VendorRejectedError],
  ] as const) {
    let calls = 0;
    await assert.rejects(
      withRetry(
        'jira',
        'op',
        p,
        (e) => e as never,
        async () => {
          calls++;
          throw failure(status);
        },
      ),
      cls,
    );
    assert.equal(calls, 1, `status ${status}`);
  }
  const bug = new RangeError('a bug');
  await assert.rejects(
    withRetry(
      'jira',
      'op',
      p,
      () => null,
      async () => Promise.reject(bug),
    ),
    (e) => e === bug,
  );
  assert.deepEqual(p.slept, []);
});

test('a rate limit (even as a 403) waits what the vendor asked; a wait beyond the policy is handed back', async () => {
  const p = policy();
  let calls = 0;
  const v = await withRetry(
    'github',
    'op',
    p,
    (e) => e as never,
    async () => {
      calls++;
      if (calls === 1) throw failure(403, { rateLimited: true, retryAfterMs: 700 });
      return 'ok';
    },
  );
  assert.equal(v, 'ok');
  assert.deepEqual(p.slept, [700]);
  await assert.rejects(
    withRetry(
      'github',
      'op',
      p,
      (e) => e as never,
      async () => Promise.reject(failure(429, { retryAfterMs: 5000 })),
    ),
    (e: unknown) => e instanceof VendorUnavailableError && e.retryAfterMs === 5000 && e.attempts === 1,
  );
});

test('onRetry hears about each retry; settings from ferry.yaml override the default', async () => {
  const heard: number[] = [];
  const p = { ...policy(2), onRetry: (i: { attempt: number }) => heard.push(i.attempt) };
  await assert.rejects(
    withRetry(
      'gerrit',
      'op',
      p,
      (e) => e as never,
      async () => Promise.reject(failure(503)),
    ),
  );
  assert.deepEqual(heard, [1]);
  const fromConfig = retryPolicyFrom({ attempts: 2, base_delay_ms: 50, max_delay_ms: 100, max_wait_ms: 10 });
  assert.deepEqual(
    [
      fromConfig.attempts,
      fromConfig.baseDelayMs,
      fromConfig.maxDelayMs,
      fromConfig.maxWaitMs,
      fromConfig.jitter,
    ],
    [2, 50, 100, 10, true],
  );
  assert.equal(retryPolicyFrom().attempts, defaultRetryPolicy.attempts);
});
