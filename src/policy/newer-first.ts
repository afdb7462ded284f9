import type { ResolvedPolicy } from './settings.js';
import type { ChangeClass, PresenceFact, RuleOutcome } from './types.js';

/**
 * Newer branch first: a change goes to a stream only once it is on every newer one (or in
 * review there), upstream's main branch included, so no user upgrades into a release that
 * lost a fix. The stable policy's exceptions: changes that do not touch production code
 * (tests only), gate fixes (CI only), and, when a project says so, security fixes.
 */

export interface NewerStream {
  /** The stream's name, or the upstream main branch's name. */
  name: string;
  branch: string;
}

export function newerFirstRule(
  commit: string,
  classes: readonly ChangeClass[],
  newer: readonly NewerStream[],
  presence: readonly PresenceFact[],
  policy: ResolvedPolicy,
): RuleOutcome {
  const base = { rule: 'newer-first', commit } as const;
  const settings = policy.newer_first;
  if (!settings.enabled) return { ...base, outcome: 'skip', reason: 'turned off in the configuration' };
  if (newer.length === 0) return { ...base, outcome: 'pass', reason: 'no newer stream to check' };
  const found = newer.map((s) => ({
    stream: s,
    fact: presence.find((p) => p.commit === commit && p.stream === s.name && p.state !== 'missing'),
  }));
  const missing = found.filter((x) => !x.fact).map((x) => x.stream);
  if (missing.length === 0) {
    const where = found.map(({ stream, fact }) => `${stream.name} (${howFound(fact!)})`).join(', ');
    const weak = found.filter((x) => x.fact?.weak).map((x) => x.stream.name);
    if (weak.length > 0)
      return {
        ...base,
        outcome: 'note',
        reason: `present on every newer stream: ${where}; on ${weak.join(', ')} only by subject and author, which a reviewer should confirm`,
      };
    return { ...base, outcome: 'pass', reason: `present on every newer stream: ${where}` };
  }
  const names = missing.map((s) => `${s.name} (${s.branch})`).join(', ');
  const lacking = `not on newer stream${missing.length > 1 ? 's' : ''} ${names}`;
  const exemption = exemptionFor(classes, policy);
  if (exemption)
    return {
      ...base,
      outcome: 'note',
      reason: `${lacking}; allowed anyway: ${exemption} are exempt from newer-branch-first`,
    };
  return {
    ...base,
    outcome: 'refuse',
    reason: `${lacking}; a fix must be on every newer stream, or in review there, first`,
  };
}

function howFound(fact: PresenceFact): string {
  if (fact.state === 'in-review') return 'in review';
  return fact.via ?? 'present';
}

function exemptionFor(classes: readonly ChangeClass[], policy: ResolvedPolicy): string | null {
  const s = policy.newer_first;
  if (s.exempt_tests_only && (classes.includes('tests-only') || classes.includes('docs-only')))
    return 'changes that do not touch production code';
  if (s.exempt_gate_fixes && classes.includes('ci-only')) return 'gate fixes (CI-only changes)';
  if (s.exempt_security && classes.includes('security'))
    return 'security fixes (policy.newer_first.exempt_security)';
  return null;
}
