import type { ResolvedPolicy } from './settings.js';

/**
 * The stable policy's review rule: a backport needs approval from two stable maintainers;
 * when a stable maintainer made the backport, one other maintainer's approval is enough.
 * Approvals by the backporter themself, or by people who are not stable maintainers, do not
 * count. The sweep asks this of every open backport MR.
 */

export interface ApprovalFacts {
  /** Who made the backport (the MR's author, or the human behind the bot's MR). */
  backporter: string;
  /** Who approved the MR (in any order; duplicates are ignored). */
  approvals: string[];
}

export interface ReviewStatus {
  satisfied: boolean;
  /** Approvals that count. */
  required: number;
  counted: string[];
  ignored: { user: string; why: string }[];
  reason: string;
}

export function reviewStatus(facts: ApprovalFacts, policy: ResolvedPolicy): ReviewStatus {
  const settings = policy.review;
  const maintainers = new Set(settings.maintainers.map((m) => m.toLowerCase()));
  const backporter = facts.backporter.toLowerCase();
  const backporterIsMaintainer = maintainers.has(backporter);
  const required = backporterIsMaintainer
    ? settings.approvals_required_when_maintainer_backported
    : settings.approvals_required;
  const counted: string[] = [];
  const ignored: { user: string; why: string }[] = [];
  const seen = new Set<string>();
  for (const user of facts.approvals) {
    const key = user.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    if (key === backporter) ignored.push({ user, why: 'made the backport' });
    else if (!maintainers.has(key)) ignored.push({ user, why: 'is not a stable maintainer' });
    else counted.push(user);
  }
  const satisfied = maintainers.size > 0 && counted.length >= required;
  const who = counted.length > 0 ? ` (${counted.join(', ')})` : '';
  const because = backporterIsMaintainer
    ? `, because ${facts.backporter}, a stable maintainer, made the backport`
    : '';
  let reason: string;
  if (maintainers.size === 0) reason = 'no stable maintainers are configured (policy.review.maintainers)';
  else if (satisfied)
    reason = `approved by ${counted.length} stable maintainer${counted.length > 1 ? 's' : ''}${who}; ${required} needed${because}`;
  else
    reason = `needs ${required} approval${required > 1 ? 's' : ''} from stable maintainers${because}; has ${counted.length}${who}`;
  if (ignored.length > 0) reason += `; not counted: ${ignored.map((i) => `${i.user} ${i.why}`).join(', ')}`;
  return { satisfied, required, counted, ignored, reason };
}
