import { z } from 'zod';

/**
 * CVE intake (`cve:` in ferry.yaml): where announcements come from, who owns which files, and
 * which streams are assessed. Paths are relative to the configuration file's directory.
 */
const ownershipRule = z
  .object({
    /** Path patterns, `.gitignore` style (`drivers/net/`, `fs/**\/inode.c`, `include/linux/*dev*.h`). */
    pattern: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** The tracker's sub-component for these files. */
    component: z.string().min(1),
    /** Who gets the issue; MAINTAINERS decides when omitted. */
    assignee: z.string().min(1).optional(),
  })
  .strict();

export const cve = z
  .object({
    /** The public-inbox v2 archive of linux-cve-announce (a directory holding `git/0.git`). */
    inbox: z.string().min(1).optional(),
    /** A kernel-style MAINTAINERS file, the fallback for files the ownership map does not cover. */
    maintainers: z.string().min(1).optional(),
    /** Files → component and assignee; the most specific pattern wins. */
    ownership: z.array(ownershipRule).default([]),
    default_component: z.string().min(1).optional(),
    default_assignee: z.string().min(1).optional(),
    /**
     * The streams (by name) that get CVE requests; default every stream with `based_on`. Each is
     * checked on its own branch, in the repository the stream names.
     */
    streams: z.array(z.string().min(1)).optional(),
    /**
     * The tracker (a name under `trackers:`) that gets the requests; default `builtin`, Ferry's
     * own requests in its store (also what `builtin` means when no tracker has that name).
     */
    tracker: z
      .string()
      .regex(/^[a-z][a-z0-9_-]*$/, 'expected the name of a tracker under trackers:, such as rhel')
      .default('builtin'),
  })
  .strict()
  .prefault({});
export type CveConfig = z.infer<typeof cve>;
