import { z } from 'zod';

/** Values that name places at the vendors, shared by `trackers` and `forges`. */

/** `https://…` (or `http://` for a server on this machine or a test). */
export const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'expected an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

/** `owner/name` on GitHub. */
export const githubRepoName = z
  .string()
  .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, 'expected owner/name, e.g. octo-org/octo-repo');

/** A GitLab project: its numeric id or its full path (`group/subgroup/project`). */
export const gitlabProjectRef = z
  .union([z.number().int().positive(), z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)+$/)])
  .transform((p) => String(p));
