import type { RetryPolicy } from '../../src/vendors/retry.js';

/**
 * A retry policy for tests: the same code path as production, but the waits are recorded
 * instead of slept, so "honours Retry-After: 3" is checked as a requested 3000 ms wait
 * without any test taking three seconds.
 */
export function recordingPolicy(attempts = 4): RetryPolicy & { slept: number[] } {
  const slept: number[] = [];
  return {
    attempts,
    baseDelayMs: 1,
    maxDelayMs: 8,
    maxWaitMs: 60_000,
    jitter: false,
    slept,
    sleep: async (ms: number) => {
      slept.push(ms);
    },
  };
}
