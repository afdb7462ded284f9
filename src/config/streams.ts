import { z } from 'zod';

/** Lifecycle states a stream can be put in by hand; phases by age are derived by policy. */
export const streamState = z.enum([
  'active',
  'pre-release',
  'extended-maintenance',
  'retired',
  'end-of-life',
]);
export type StreamState = z.infer<typeof streamState>;

const isoDate = z
  .string()
  // 2025-13-01 has the shape but is no day: a typo must not open a stream to every fix.
  .refine(
    (s) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
    },
    { message: 'expected a date as YYYY-MM-DD, one the calendar has (month 01-12, a day of that month)' },
  )
  .or(z.date().transform((d) => d.toISOString().slice(0, 10)));

export const stream = z
  .object({
    /** What people call it: "9.6", "2025.1", "stable". */
    name: z.string().min(1),
    /** The branch in the downstream (or upstream) repository that the stream ships from. */
    branch: z.string().min(1),
    /** The tracker's Fix Version that maps issues to this stream. Defaults to `name`. */
    fix_version: z.string().min(1).optional(),
    /** When the stream was released (phases are counted from it). */
    release_date: isoDate.optional(),
    state: streamState.default('active'),
    /** The upstream version the stream is based on (a kernel "5.14", an OpenStack "2025.1"). */
    based_on: z.string().min(1).optional(),
    /** Which repository (key of `repositories`) holds `branch`; default `downstream`, else `upstream`. */
    repository: z.string().min(1).optional(),
  })
  .strict();
export type Stream = z.infer<typeof stream>;

/** Streams are listed newest first; names and branches are unique. */
export const streams = z
  .array(stream)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((s, i) => {
      const prev = seen.get(s.name);
      if (prev !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `duplicate stream name '${s.name}' (also at ${prev})`,
        });
      seen.set(s.name, i);
    });
  });
