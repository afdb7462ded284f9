import { z } from 'zod';
import { bot } from './bot.js';
import { cve } from './cve.js';
import { forges } from './forges.js';
import { policy } from './policy.js';
import { repositories } from './repositories.js';
import { schedules } from './schedules.js';
import { server } from './server.js';
import { streams } from './streams.js';
import { trackers } from './trackers.js';

/**
 * The whole `ferry.yaml`. Each section is defined in its own file; this file only puts
 * them together. Unknown keys are errors, so a typo is reported rather than ignored.
 */
export const ferryConfig = z
  .object({
    version: z.literal(1).default(1),
    bot,
    repositories,
    streams,
    policy,
    trackers,
    forges,
    cve,
    server,
    schedules,
  })
  .strict()
  .superRefine((c, ctx) => {
    // `builtin` is Ferry's own tracker, there with or without a `trackers.builtin` entry.
    if (c.cve.tracker !== 'builtin' && !(c.cve.tracker in c.trackers))
      ctx.addIssue({
        code: 'custom',
        path: ['cve', 'tracker'],
        message: `names '${c.cve.tracker}', which is not a configured tracker (trackers: ${Object.keys(c.trackers).join(', ') || 'none'}; 'builtin' is Ferry's own)`,
      });
  });

export type FerryConfig = z.infer<typeof ferryConfig>;
