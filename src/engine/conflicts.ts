import { readBlobs } from '../git/blobs.js';
import type { MergeMessage, TreePick } from '../git/cherry-pick-tree.js';
import type { Repo } from '../git/repo.js';
import type { Conflict, ConflictHunk, ConflictKind } from './types.js';

/**
 * Turns a conflicted merge into information (DESIGN §3): for each path, the kind of
 * conflict and, for content conflicts, the hunks with line ranges in the target's file and
 * in the picked commit's file. The ranges in the picked commit's parent (the context the
 * change expected) are kept too: they are where prerequisites are looked for.
 */

export interface ConflictDetail extends Conflict {
  /** Line ranges in the picked commit's parent version of the file (diff3 base sections). */
  baseRanges: { start: number; end: number }[];
}

const KIND_WORDS: [RegExp, ConflictKind][] = [
  [/^content/, 'content'],
  [/^add\/add/, 'add/add'],
  [/^modify\/delete/, 'modify/delete'],
  [/^rename\/delete/, 'rename/delete'],
  [/^rename\/rename/, 'rename/rename'],
  [/^rename involved in collision|^rename\/add/, 'rename/add'],
  [/^file\/directory|^directory\/file/, 'file/directory'],
  [/^binary/, 'binary'],
  [/submodule/, 'submodule'],
  [/^distinct modes|mode/, 'mode'],
];

export function conflictKind(m: MergeMessage): ConflictKind | null {
  const word = /CONFLICT \(([^)]+)\)/.exec(m.message)?.[1] ?? /CONFLICT \(([^)]+)\)/.exec(m.type)?.[1];
  if (!word) return null;
  for (const [re, kind] of KIND_WORDS) if (re.test(word)) return kind;
  return 'other';
}

interface MarkerBlock {
  ours: string[];
  base: string[];
  theirs: string[];
  /** Index of the `<<<<<<<` line in the merged file (0-based). */
  at: number;
  /** Index of the `>>>>>>>` line. */
  end: number;
  /** Lines before it in the merged file that are not inside any conflict block. */
  cleanBefore: number;
}

/** Splits a diff3-style conflicted file into its conflict blocks. */
export function parseMarkers(text: string): MarkerBlock[] {
  const lines = text.split('\n');
  const blocks: MarkerBlock[] = [];
  let state: 'out' | 'ours' | 'base' | 'theirs' = 'out';
  let cur: MarkerBlock | null = null;
  let clean = 0;
  lines.forEach((line, i) => {
    if (state === 'out' && /^<{7}( |$)/.test(line)) {
      cur = { ours: [], base: [], theirs: [], at: i, end: i, cleanBefore: clean };
      state = 'ours';
    } else if (state === 'ours' && /^\|{7}( |$)/.test(line)) state = 'base';
    else if ((state === 'ours' || state === 'base') && /^={7}$/.test(line)) state = 'theirs';
    else if (state === 'theirs' && /^>{7}( |$)/.test(line)) {
      cur!.end = i;
      blocks.push(cur!);
      cur = null;
      state = 'out';
    } else if (state === 'out') clean++;
    else cur![state].push(line);
  });
  return blocks;
}

/**
 * Finds `needle` (a run of lines) in `hay`, nearest to `near`; returns the 1-based range.
 * An empty run is placed at `near` as an empty range just after the line before it.
 */
export function locate(hay: string[], needle: string[], near: number): { start: number; end: number } {
  if (needle.length === 0) {
    const at = Math.max(0, Math.min(near, hay.length));
    return { start: at + 1, end: at };
  }
  let best = -1;
  for (let i = 0; i + needle.length <= hay.length; i++) {
    let ok = true;
    for (let j = 0; j < needle.length; j++)
      if (hay[i + j] !== needle[j]) {
        ok = false;
        break;
      }
    if (ok && (best < 0 || Math.abs(i - near) < Math.abs(best - near))) best = i;
  }
  if (best < 0) best = Math.max(0, Math.min(near, hay.length - 1));
  return { start: best + 1, end: best + needle.length };
}

export async function describeConflicts(
  repo: Repo,
  pick: TreePick,
  versions: { target: string; incoming: string; base: string | null },
): Promise<ConflictDetail[]> {
  const byPath = new Map<string, ConflictDetail>();
  for (const m of pick.messages) {
    const kind = conflictKind(m);
    if (!kind) continue;
    for (const path of m.paths) {
      const prev = byPath.get(path);
      // A path can get several messages (rename then content): keep the most specific.
      if (!prev || prev.kind === 'content' || prev.kind === 'other')
        byPath.set(path, { path, kind, message: m.message, hunks: [], baseRanges: [] });
    }
  }
  for (const path of pick.conflictedPaths)
    if (!byPath.has(path)) byPath.set(path, { path, kind: 'other', message: '', hunks: [], baseRanges: [] });

  const textual = [...byPath.values()].filter((c) => c.kind === 'content' || c.kind === 'add/add');
  const specs = textual.flatMap((c) => [
    `${pick.tree}:${c.path}`,
    `${versions.target}:${c.path}`,
    `${versions.incoming}:${c.path}`,
    ...(versions.base ? [`${versions.base}:${c.path}`] : []),
  ]);
  const blobs = await readBlobs(repo, specs);
  const linesOf = (spec: string) => blobs.get(spec)?.toString('utf8').split('\n') ?? [];
  for (const c of textual) {
    const merged = blobs.get(`${pick.tree}:${c.path}`)?.toString('utf8') ?? '';
    const target = linesOf(`${versions.target}:${c.path}`);
    const incoming = linesOf(`${versions.incoming}:${c.path}`);
    const base = versions.base ? linesOf(`${versions.base}:${c.path}`) : [];
    for (const b of parseMarkers(merged)) {
      const hunk: ConflictHunk = {
        target: locate(target, b.ours, b.cleanBefore),
        incoming: locate(incoming, b.theirs, b.cleanBefore),
      };
      c.hunks.push(hunk);
      c.baseRanges.push(locate(base, b.base, b.cleanBefore));
    }
  }
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** The public shape (without the internal base ranges). */
export function publicConflicts(details: ConflictDetail[]): Conflict[] {
  return details.map(({ baseRanges: _b, ...c }) => c);
}
