import { z } from 'zod';

/**
 * How often and how patiently Ferry retries an outside system (5xx, 429, no answer) before it
 * gives up on this run and leaves the rest to the job queue. Shared by `trackers` and `forges`.
 */
export const retrySettings = z
  .object({
    /** Tries in all, the first included. */
    attempts: z.number().int().min(1).max(20).default(5),
    /** Delay before the first retry, doubled each time. */
    base_delay_ms: z.number().int().min(0).default(500),
    max_delay_ms: z.number().int().min(0).default(30_000),
    /** The longest Retry-After waited in-process; longer asks are handed back to the queue. */
    max_wait_ms: z.number().int().min(0).default(120_000),
  })
  .strict();
export type RetrySettings = z.infer<typeof retrySettings>;
