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
  .strict();

export type FerryConfig = z.infer<typeof ferryConfig>;
