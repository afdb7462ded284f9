import { PolicyInputError } from './errors.js';
import type { ResolvedPolicy } from './settings.js';
import type { ChangeClass, Phase, RuleOutcome, StreamFacts } from './types.js';
import { SAFE_CLASSES } from './types.js';

/**
 * Where a stream is in its life, and what each part of that life accepts. The phases are
 * the OpenStack stable policy's, counted from the release date: I (first 6 months) all
 * appropriate bug fixes, II (6 to 12 months) critical and security fixes, III (after 12
 * months) security fixes; the lengths are configurable. Pre-release, extended-maintenance,
 * retired and end-of-life are states set by hand in the stream configuration.
 */

export interface StreamLife {
  phase: Phase;
  /** Whether the stream takes backports at all (its state, or the per-stream setting). */
  open: boolean;
  /** Plain words for the stream's state: "active, released 2025-04-02, phase II". */
  description: string;
  /** Set when the rule that closed the stream needs saying (the stream-open reason). */
  closedBecause: string | null;
  /** True when an active stream has no release date, so phase I was assumed. */
  dateUnknown: boolean;
}

/** `now` as a calendar date in UTC (YYYY-MM-DD). */
export function isoDay(now: Date | string): string {
  if (typeof now === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}/.test(now))
      throw new PolicyInputError(now, `date '${now}' is not a date; expected YYYY-MM-DD`);
    return now.slice(0, 10);
  }
  if (Number.isNaN(now.getTime()))
    throw new PolicyInputError(String(now), 'the date to judge on is not a valid date');
  return now.toISOString().slice(0, 10);
}

/** Adds calendar months, keeping the day where the month has it (Jan 31 + 1 month = Feb 28). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export function streamLife(stream: StreamFacts, policy: ResolvedPolicy, now: Date | string): StreamLife {
  const today = isoDay(now);
  const override = policy.streams[stream.name]?.backporting_allowed;
  const released = stream.release_date ? `released ${stream.release_date}` : 'no release date';
  const life = (
    phase: Phase,
    open: boolean,
    closedBecause: string | null,
    dateUnknown = false,
  ): StreamLife => ({
    phase,
    open: override ?? open,
    description: `${stream.state}, ${released}, ${PHASE_NAMES[phase]}`,
    closedBecause:
      override === false
        ? `backporting to stream ${stream.name} is turned off in the configuration (policy.streams)`
        : override === true
          ? null
          : closedBecause,
    dateUnknown,
  });
  switch (stream.state) {
    case 'pre-release':
      return life(
        'pre-release',
        false,
        `stream ${stream.name} is pre-release; it takes no backports before release`,
      );
    case 'retired':
      return life('retired', false, `stream ${stream.name} is retired; it takes no more backports`);
    case 'end-of-life':
      return life('end-of-life', false, `stream ${stream.name} is end-of-life; it takes no more backports`);
    case 'extended-maintenance':
      return life('extended-maintenance', true, null);
    case 'active':
      break;
  }
  if (!stream.release_date) return life('phase-1', true, null, true);
  if (stream.release_date > today)
    return life(
      'pre-release',
      false,
      `stream ${stream.name} is not released yet (release date ${stream.release_date}); it takes no backports before release`,
    );
  const { phase_one_months: one, phase_two_months: two, support_months: support } = policy.phases;
  if (support !== null && addMonths(stream.release_date, support) <= today)
    return life(
      'end-of-life',
      false,
      `stream ${stream.name} is past its ${support} months of support (${released}, supported until ${addMonths(stream.release_date, support)})`,
    );
  if (today < addMonths(stream.release_date, one)) return life('phase-1', true, null);
  if (today < addMonths(stream.release_date, two)) return life('phase-2', true, null);
  return life('phase-3', true, null);
}

export const PHASE_NAMES: Record<Phase, string> = {
  'pre-release': 'pre-release',
  'phase-1': 'phase I',
  'phase-2': 'phase II',
  'phase-3': 'phase III',
  'extended-maintenance': 'extended maintenance',
  retired: 'retired',
  'end-of-life': 'end-of-life',
};

/** What a phase accepts outright; safe classes are always "a maintainer decides". */
export function acceptedClasses(phase: Phase, policy: ResolvedPolicy): ChangeClass[] {
  switch (phase) {
    case 'pre-release':
    case 'phase-1':
      return ['security', 'critical', 'bug-fix'];
    case 'phase-2':
      return ['security', 'critical'];
    case 'extended-maintenance':
      return policy.extended_maintenance.filter((c) => c !== 'feature');
    default:
      return ['security'];
  }
}

export function phaseWords(phase: Phase, policy: ResolvedPolicy): string {
  const { phase_one_months: one, phase_two_months: two } = policy.phases;
  const accepts = acceptedClasses(phase, policy);
  switch (phase) {
    case 'phase-1':
      return `phase I (first ${one} months after release) accepts all appropriate bug fixes`;
    case 'phase-2':
      return `phase II (${one} to ${two} months after release) accepts only critical fixes and security fixes`;
    case 'phase-3':
      return `phase III (over ${two} months after release) accepts only security fixes`;
    case 'extended-maintenance':
      return `extended maintenance accepts only ${listWords(accepts.map((c) => CLASS_NOUNS[c]))}`;
    case 'pre-release':
      return 'a pre-release stream opened for backports accepts all appropriate bug fixes';
    default:
      return `a ${PHASE_NAMES[phase]} stream opened for backports accepts only security fixes`;
  }
}

export const CLASS_NOUNS: Record<ChangeClass, string> = {
  security: 'security fixes',
  critical: 'critical fixes',
  'bug-fix': 'bug fixes',
  feature: 'features',
  'docs-only': 'documentation-only changes',
  'tests-only': 'tests-only changes',
  'config-only': 'configuration-file-only changes',
  'ci-only': 'CI-only changes',
  'log-typo': 'log-message corrections',
  unclassified: 'unclassified changes',
};

/** "this commit is …" */
export const CLASS_WORDS: Record<ChangeClass, string> = {
  security: 'a security fix',
  critical: 'a critical fix',
  'bug-fix': 'a bug fix',
  feature: 'a feature',
  'docs-only': 'documentation only',
  'tests-only': 'tests only',
  'config-only': 'configuration-file content only',
  'ci-only': 'CI only (a gate fix)',
  'log-typo': 'a log-message correction',
  unclassified: 'not recognisably a bug fix',
};

export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const isSafe = (c: ChangeClass): boolean => (SAFE_CLASSES as readonly string[]).includes(c);

/**
 * The phase rule for one commit: accepted when one of its classes is, a note when it is
 * only a safe class (the seed: stable maintainers decide case by case), refused otherwise.
 */
export function phaseRule(
  commit: string,
  classes: readonly ChangeClass[],
  evidence: readonly { class: ChangeClass; why: string }[],
  life: StreamLife,
  policy: ResolvedPolicy,
): RuleOutcome {
  const base = { rule: 'phase', commit } as const;
  if (!life.open)
    return { ...base, outcome: 'skip', reason: 'the stream takes no backports (see stream-open)' };
  const phase = phaseWords(life.phase, policy);
  const why = (c: ChangeClass): string => {
    const e = evidence.filter((x) => x.class === c).map((x) => x.why);
    return e.length > 0 ? `${CLASS_WORDS[c]} (${e.join('; ')})` : CLASS_WORDS[c];
  };
  const assumed = life.dateUnknown ? ' (the stream has no release date, so phase I is assumed)' : '';
  const accepted = acceptedClasses(life.phase, policy);
  const hit = classes.find((c) => accepted.includes(c));
  if (hit) {
    if (life.dateUnknown)
      return { ...base, outcome: 'note', reason: `${phase}${assumed}; this commit is ${why(hit)}` };
    return { ...base, outcome: 'pass', reason: `${phase}; this commit is ${why(hit)}` };
  }
  const safe = classes.find(isSafe);
  if (safe)
    return {
      ...base,
      outcome: 'note',
      reason: `${phase}${assumed}; this commit is ${why(safe)}, which stable maintainers accept case by case: a maintainer decides`,
    };
  if (classes.includes('unclassified') && accepted.includes('bug-fix'))
    return {
      ...base,
      outcome: 'note',
      reason: `${phase}${assumed}; this commit is ${why('unclassified')} (no bug trailer, no tracker bug): a maintainer decides`,
    };
  const primary = classes[0] ?? 'unclassified';
  return { ...base, outcome: 'refuse', reason: `${phase}${assumed}; this commit is ${why(primary)}` };
}
