import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

/** Names are used in slot rows and log lines, so they stay simple. */
const scheduleName = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'expected a name such as nightly-sweep');

export const schedule = z
  .object({
    /** Five fields (minute hour day month weekday), or six with seconds first. */
    cron: z.string().superRefine((expr, ctx) => {
      try {
        CronExpressionParser.parse(expr, { tz: 'UTC' });
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `not a cron expression: ${(e as Error).message}` });
      }
    }),
    /** The job kind to enqueue at each slot (a workflow registers it). */
    job: z.string().min(1),
    /** Given to the job as its payload, with `schedule` and `slot` added. */
    payload: z.record(z.string(), z.unknown()).default({}),
    /** IANA zone the expression is read in. */
    timezone: z.string().min(1).default('UTC'),
  })
  .strict();
export type Schedule = z.infer<typeof schedule>;

/** Named schedules; each slot of each fires once across all workers. */
export const schedules = z.record(scheduleName, schedule).default({});
