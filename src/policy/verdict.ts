import { classify } from './classify.js';
import { PolicyInputError } from './errors.js';
import { grantedException } from './exceptions.js';
import { runDetector } from './forbidden/detector.js';
import { DETECTORS } from './forbidden/index.js';
import { isoDay, phaseRule, streamLife } from './lifecycle.js';
import { type NewerStream, newerFirstRule } from './newer-first.js';
import type { ResolvedPolicy } from './settings.js';
import { findStream, newerStreams } from './streams.js';
import type {
  ChangeFacts,
  ClassifiedCommit,
  Decision,
  PresenceFact,
  RuleOutcome,
  StreamFacts,
  TrackerFacts,
  Verdict,
} from './types.js';

/** Everything the policy needs to answer "may these commits go to that stream?". */
export interface PolicyRequest {
  /** The commits asked for, in order (a series is judged commit by commit). */
  changes: ChangeFacts[];
  /** The target stream's name (or its branch). */
  target: string;
  /** Every configured stream, newest first. */
  streams: StreamFacts[];
  /** Upstream's main branch, the newest of all for newer-branch-first; null when not checked. */
  upstream: NewerStream | null;
  /** Presence of each commit on the newer streams (from the engine's ladder, or review). */
  presence: PresenceFact[];
  tracker?: TrackerFacts | undefined;
  /** The day to judge on (phases move with time; the policy never reads the clock). */
  now: Date | string;
}

/**
 * The verdict: every rule, evaluated on every commit, with its outcome and reason.
 * Refused if any rule refuses (and no granted exception lifts it); allowed with a note if
 * any rule asks a reviewer to look; allowed otherwise.
 */
export function evaluate(request: PolicyRequest, policy: ResolvedPolicy): Verdict {
  const index = findStream(request.streams, request.target);
  if (request.changes.length === 0) throw new PolicyInputError('', 'no commits to judge');
  const target = request.streams[index]!;
  const now = isoDay(request.now);
  const life = streamLife(target, policy, now);
  const newer = newerStreams(request.streams, index, request.upstream);

  const rules: RuleOutcome[] = [
    life.open
      ? {
          rule: 'stream-open',
          commit: null,
          outcome: 'pass',
          reason: `stream ${target.name} takes backports (${life.description})`,
        }
      : {
          rule: 'stream-open',
          commit: null,
          outcome: 'refuse',
          reason: life.closedBecause ?? `stream ${target.name} takes no backports`,
        },
  ];
  const commits: ClassifiedCommit[] = [];
  for (const change of request.changes) {
    const c = classify(change, policy, request.tracker);
    commits.push(c);
    const featureEvidence = c.evidence.filter((e) => e.class === 'feature').map((e) => e.why);
    const perCommit: RuleOutcome[] = [
      phaseRule(change.commit, c.classes, c.evidence, life, policy),
      ...DETECTORS.map((d) => runDetector(d, change, policy, featureEvidence)),
      newerFirstRule(change.commit, c.classes, newer, request.presence, policy),
    ];
    for (const r of perCommit) rules.push(applyException(r, change, target.name, policy));
  }
  const decision: Decision = rules.some((r) => r.outcome === 'refuse')
    ? 'refuse'
    : rules.some((r) => r.outcome === 'note')
      ? 'allow-with-note'
      : 'allow';
  const refusals = rules.filter((r) => r.outcome === 'refuse').map((r) => r.reason);
  const notes = rules.filter((r) => r.outcome === 'note').map((r) => r.reason);
  return {
    decision,
    date: now,
    target: {
      stream: target.name,
      branch: target.branch,
      state: target.state,
      phase: life.phase,
      release_date: target.release_date ?? null,
    },
    commits,
    rules,
    refusals,
    notes,
    summary: summarize(decision, target.name, rules),
  };
}

function applyException(
  r: RuleOutcome,
  change: ChangeFacts,
  stream: string,
  policy: ResolvedPolicy,
): RuleOutcome {
  if (r.outcome !== 'refuse') return r;
  const ex = grantedException(change, stream, r.rule, policy);
  if (!ex) return r;
  return {
    ...r,
    outcome: 'note',
    reason: `${r.reason}; exception granted: ${ex.reason}`,
    exception: ex.reason,
  };
}

function summarize(decision: Decision, stream: string, rules: RuleOutcome[]): string {
  if (decision === 'allow') return `allowed on ${stream}: every rule passes`;
  if (decision === 'allow-with-note') {
    const n = rules.filter((r) => r.outcome === 'note').length;
    return `allowed on ${stream} with ${n} note${n > 1 ? 's' : ''} for reviewers`;
  }
  const byCommit = new Map<string, string[]>();
  for (const r of rules.filter((x) => x.outcome === 'refuse')) {
    const key = r.commit ? r.commit.slice(0, 12) : '';
    byCommit.set(key, [...(byCommit.get(key) ?? []), r.rule]);
  }
  const parts = [...byCommit].map(([c, ids]) => (c ? `${ids.join(', ')} (${c})` : ids.join(', ')));
  return `refused on ${stream} by ${parts.join('; ')}`;
}
