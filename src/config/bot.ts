import { z } from 'zod';

/**
 * `bot:` — who Ferry is when it commits and comments: the committer of every backport it
 * makes (the original author is always kept), and whether it adds its own Signed-off-by.
 */
export const bot = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[^<>\n]+$/, 'a name without <, > or newlines')
      .default('Ferry Backport Bot'),
    email: z
      .string()
      .regex(/^[^<>\s]+@[^<>\s]+$/, 'expected an e-mail address')
      .default('ferry-bot@localhost'),
    signoff: z.boolean().default(false),
  })
  .strict()
  .default({ name: 'Ferry Backport Bot', email: 'ferry-bot@localhost', signoff: false });
export type BotIdentity = z.infer<typeof bot>;
