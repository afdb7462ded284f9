import type { GrantedException, ResolvedPolicy } from './settings.js';
import type { ChangeFacts, RuleId } from './types.js';

/**
 * Exceptions the stable maintenance team granted (the policy: "can be discussed as
 * exception requests ... the stable maintenance core team will have the final say"). One
 * names a commit (id or prefix) or a Gerrit Change-Id, optionally a stream, and the rules
 * it lifts; a refusal by such a rule becomes a note that quotes the grant.
 */
export function grantedException(
  change: ChangeFacts,
  stream: string,
  rule: RuleId,
  policy: ResolvedPolicy,
): GrantedException | null {
  const changeIds = changeIdsOf(change.message);
  for (const ex of policy.exceptions) {
    if (ex.stream !== undefined && ex.stream !== stream) continue;
    if (!ex.rules.includes(rule) && !ex.rules.includes('*')) continue;
    const byCommit =
      ex.commit !== undefined && change.commit.toLowerCase().startsWith(ex.commit.toLowerCase());
    const byChangeId = ex.change_id !== undefined && changeIds.includes(ex.change_id);
    if (byCommit || byChangeId) return ex;
  }
  return null;
}

function changeIdsOf(message: string): string[] {
  return [...message.matchAll(/^Change-Id:\s*(I[0-9a-f]{8,40})\s*$/gim)].map((m) => m[1]!);
}
