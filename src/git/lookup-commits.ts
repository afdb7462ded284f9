import type { Repo } from './repo.js';
import { HEX_ABBREV } from './validate.js';

export type CommitLookup =
  | { oid: string }
  | { oid: null; problem: 'missing' | 'ambiguous' | 'not a commit id' };

/**
 * Which of these commit ids (full or abbreviated hex) the repository has, with one
 * `cat-file --batch-check`. Unlike `Repo.resolveCommits`, an unknown id is an answer, not an
 * error: announcements name commits that a downstream mirror may well not hold.
 */
export async function lookupCommits(repo: Repo, ids: readonly string[]): Promise<Map<string, CommitLookup>> {
  const result = new Map<string, CommitLookup>();
  const asked = [...new Set(ids)].filter((id) => {
    if (HEX_ABBREV.test(id)) return true;
    result.set(id, { oid: null, problem: 'not a commit id' });
    return false;
  });
  if (asked.length === 0) return result;
  const out = (
    await repo.run(['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
      input: `${asked.map((id) => `${id.toLowerCase()}^{commit}`).join('\n')}\n`,
    })
  ).stdout
    .toString('utf8')
    .split('\n');
  asked.forEach((id, i) => {
    const line = out[i] ?? '';
    const m = /^([0-9a-f]{40}) commit$/.exec(line);
    if (m) result.set(id, { oid: m[1]! });
    else result.set(id, { oid: null, problem: line.endsWith(' ambiguous') ? 'ambiguous' : 'missing' });
  });
  return result;
}
