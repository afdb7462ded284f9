import { z } from 'zod';

export const repository = z
  .object({
    /** Where to fetch from (any git URL or a local path). */
    url: z.string().min(1).optional(),
    /** Local path of the bare mirror Ferry works on; created from `url` when missing. */
    mirror: z.string().min(1).optional(),
    /** The branch fixes land on first (upstream's `main`/`master`). */
    main_branch: z.string().min(1).default('main'),
    /** A web address for commits, `{sha}` replaced: https://git.kernel.org/linus/{sha}. */
    commit_url: z.string().min(1).optional(),
  })
  .strict()
  .refine((r) => r.url || r.mirror, { message: 'give url, mirror, or both' });
export type Repository = z.infer<typeof repository>;

/** `upstream` is where fixes come from; `downstream` (optional) is where streams live. */
export const repositories = z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), repository).default({});
