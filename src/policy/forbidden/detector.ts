import type { ResolvedPolicy } from '../settings.js';
import type { ChangeFacts, DetectorId, Finding, RuleOutcome } from '../types.js';
import { findSignal } from './signals.js';

/** A forbidden-change detector: what it is called in reasons; its signals come from settings. */
export interface Detector {
  id: DetectorId;
  /** Plural noun phrase completing "… are not allowed on stable branches". */
  title: string;
  /** Findings the detector adds beyond its signals (e.g. from the change's classification). */
  extraFindings?: (featureEvidence: readonly string[]) => Finding[];
}

const MAX_LISTED = 5;

/** Runs one detector on one commit and says, in words, what it found. */
export function runDetector(
  detector: Detector,
  change: ChangeFacts,
  policy: ResolvedPolicy,
  evidence: readonly string[] = [],
): RuleOutcome {
  const base = { rule: detector.id, commit: change.commit } as const;
  const { action, signals } = policy.detectors[detector.id];
  if (action === 'off') return { ...base, outcome: 'skip', reason: 'turned off in the configuration' };
  const findings = [
    ...(detector.extraFindings?.(evidence) ?? []),
    ...signals.flatMap((s) => findSignal(s, change)),
  ];
  if (findings.length === 0) {
    if (signals.length === 0 && !detector.extraFindings)
      return {
        ...base,
        outcome: 'skip',
        reason: `not checked: profile '${policy.profile}' defines no signals for ${detector.title}`,
      };
    return { ...base, outcome: 'pass', reason: `no ${detector.title} found` };
  }
  const refusing = findings.filter((f) => !f.note);
  if (refusing.length > 0 && action === 'refuse')
    return {
      ...base,
      outcome: 'refuse',
      reason: `${detector.title} are not allowed on stable branches: this commit ${listFindings(refusing)}`,
      findings,
    };
  const why = refusing.length > 0 ? 'found (configured as a note)' : 'possibly';
  return {
    ...base,
    outcome: 'note',
    reason: `${detector.title} ${why}, for a reviewer to judge: this commit ${listFindings(findings)}`,
    findings,
  };
}

export function describeFinding(f: Finding): string {
  const where = [f.path, f.detail].filter(Boolean).join(', ');
  return where ? `${f.what} (${where})` : f.what;
}

function listFindings(findings: Finding[]): string {
  const shown = findings.slice(0, MAX_LISTED).map(describeFinding);
  const more = findings.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}
