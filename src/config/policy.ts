import { z } from 'zod';

/**
 * `policy:` in ferry.yaml: the stable-branch policy. Every field is optional; the defaults
 * (the OpenStack stable policy's phases and rules) are filled in by the policy layer, so
 * they live in one place. This file only checks the shape, so that a typo or a broken
 * regular expression is reported at load time with its line.
 */

const changeClass = z.enum([
  'security',
  'critical',
  'bug-fix',
  'feature',
  'docs-only',
  'tests-only',
  'config-only',
  'ci-only',
  'log-typo',
  'unclassified',
]);

const detectorId = z.enum([
  'db-schema',
  'http-api',
  'rpc-api',
  'notifications',
  'config-options',
  'dependencies',
  'new-features',
]);

const ruleId = z.union([detectorId, z.enum(['stream-open', 'phase', 'newer-first', '*'])]);

const regex = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(e as Error).message}` });
  }
});

const globs = z.array(z.string().min(1));
const words = z.array(z.string().min(1));

const signal = z
  .object({
    kind: z.enum([
      'file-added',
      'file-changed',
      'file-removed',
      'line-added',
      'line-removed',
      'value-changed',
      'name-added',
      'name-removed',
      'name-changed',
    ]),
    paths: globs.min(1),
    exclude: globs.optional(),
    statuses: z.array(z.enum(['A', 'M', 'D', 'R', 'C', 'T', 'U', 'X'])).optional(),
    pattern: regex.optional(),
    unless_added: z.string().optional(),
    what: z.string().min(1),
    note: z.boolean().optional(),
  })
  .strict()
  .refine((s) => s.kind.startsWith('file-') || s.pattern !== undefined, {
    message: 'line-, value- and name- signals need a pattern',
    path: ['pattern'],
  });

const detectorAction = z.enum(['refuse', 'note', 'off']);

const detectorSetting = z.union([
  detectorAction,
  z
    .object({
      action: detectorAction.optional(),
      signals: z.array(signal).optional(),
      extra_signals: z.array(signal).optional(),
    })
    .strict(),
]);

const months = z.number().int().min(0).max(600);

export const policy = z
  .object({
    /** `openstack-python`, `kernel-c`, or `none` (common docs/tests/CI paths only). */
    profile: z.enum(['none', 'openstack-python', 'kernel-c']).optional(),
    phases: z
      .object({
        phase_one_months: months.optional(),
        phase_two_months: months.optional(),
        support_months: months.optional(),
        extended_maintenance: z.array(changeClass).optional(),
      })
      .strict()
      .refine(
        (p) =>
          p.phase_one_months === undefined ||
          p.phase_two_months === undefined ||
          p.phase_one_months <= p.phase_two_months,
        { message: 'phase_one_months must not exceed phase_two_months', path: ['phase_two_months'] },
      )
      .optional(),
    classes: z
      .object({
        security: z
          .object({
            cve: z.boolean().optional(),
            keywords: words.optional(),
            tracker_labels: words.optional(),
            tracker_severities: words.optional(),
            tracker_types: words.optional(),
          })
          .strict()
          .optional(),
        critical: z
          .object({
            keywords: words.optional(),
            tracker_labels: words.optional(),
            tracker_severities: words.optional(),
          })
          .strict()
          .optional(),
        bug_fix: z
          .object({
            trailers: words.optional(),
            patterns: z.array(regex).optional(),
            tracker_types: words.optional(),
          })
          .strict()
          .optional(),
        feature: z
          .object({
            patterns: z.array(regex).optional(),
            tracker_types: words.optional(),
            tracker_severities: words.optional(),
          })
          .strict()
          .optional(),
        safe: z
          .object({
            docs: globs.optional(),
            tests: globs.optional(),
            config_files: globs.optional(),
            ci: globs.optional(),
            log_calls: z.array(regex).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    detectors: z.partialRecord(detectorId, detectorSetting).optional(),
    newer_first: z
      .object({
        enabled: z.boolean().optional(),
        exempt_tests_only: z.boolean().optional(),
        exempt_gate_fixes: z.boolean().optional(),
        exempt_security: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** Per stream (by name): `backporting_allowed: false` closes an active stream, `true` opens a closed one. */
    streams: z
      .record(z.string().min(1), z.object({ backporting_allowed: z.boolean().optional() }).strict())
      .optional(),
    /** Exceptions the stable team granted: a commit (id prefix) or Change-Id, the rules lifted, why. */
    exceptions: z
      .array(
        z
          .object({
            commit: z
              .string()
              .regex(/^[0-9a-fA-F]{7,64}$/, 'expected a commit id or a prefix of 7+ hex digits')
              .optional(),
            change_id: z
              .string()
              .regex(/^I[0-9a-f]{8,40}$/, 'expected a Gerrit Change-Id (I followed by hex digits)')
              .optional(),
            stream: z.string().min(1).optional(),
            rules: z.array(ruleId).min(1),
            reason: z.string().min(1),
          })
          .strict()
          .refine((e) => e.commit !== undefined || e.change_id !== undefined, {
            message: 'give commit or change_id',
          }),
      )
      .optional(),
    review: z
      .object({
        maintainers: words.optional(),
        approvals_required: z.number().int().min(1).max(10).optional(),
        approvals_required_when_maintainer_backported: z.number().int().min(1).max(10).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .default({});

export type PolicyConfig = z.infer<typeof policy>;
