import { parseMarkers } from './conflicts.js';

/**
 * Resolves conflicts that exist only because the target re-indented or re-wrapped the
 * lines around a change. For a diff3 conflict block (ours = target, base = the picked
 * commit's parent, theirs = the picked commit), when ours and base are the same text once
 * all whitespace is removed, the picked commit's edit (base → theirs) is replayed onto
 * ours' lines — keeping the target's layout of every line the fix did not change. Anything
 * else is left as a conflict: this never guesses between two real edits.
 */

const strip = (s: string) => s.replace(/\s+/g, '');

type Piece = { op: 'equal' | 'delete'; from: number; to: number } | { op: 'insert'; lines: string[] };

/** Line diff base → theirs as pieces in base order (LCS; blocks are small). */
function diffPieces(base: string[], theirs: string[]): Piece[] | null {
  const n = base.length;
  const m = theirs.length;
  if (n * m > 4_000_000) return null;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] =
        base[i] === theirs[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const pieces: Piece[] = [];
  const push = (p: Piece) => {
    const last = pieces[pieces.length - 1];
    if (last && last.op === p.op && p.op !== 'insert' && last.op !== 'insert' && last.to === p.from)
      last.to = p.to;
    else if (last && last.op === 'insert' && p.op === 'insert') last.lines.push(...p.lines);
    else pieces.push(p);
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && base[i] === theirs[j]) {
      push({ op: 'equal', from: i, to: i + 1 });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      push({ op: 'insert', lines: [theirs[j]!] });
      j++;
    } else {
      push({ op: 'delete', from: i, to: i + 1 });
      i++;
    }
  }
  return pieces;
}

/** Maps each base line boundary to the ours boundary at the same stripped-text offset. */
function boundaryMap(base: string[], ours: string[]): Map<number, number> {
  const oursAt = new Map<number, number>();
  let off = 0;
  oursAt.set(0, 0);
  ours.forEach((l, j) => {
    off += strip(l).length;
    oursAt.set(off, j + 1); // the last boundary at an offset wins: blank lines stay with what follows
  });
  const map = new Map<number, number>([[0, 0]]);
  off = 0;
  base.forEach((l, i) => {
    off += strip(l).length;
    const j = oursAt.get(off);
    if (j !== undefined) map.set(i + 1, j);
  });
  map.set(base.length, ours.length);
  return map;
}

const indent = (s: string) => /^[ \t]*/.exec(s)![0];

export function resolveBlock(ours: string[], base: string[], theirs: string[]): string[] | null {
  if (strip(ours.join('\n')) !== strip(base.join('\n'))) return null;
  const pieces = diffPieces(base, theirs);
  if (!pieces) return null;
  const map = boundaryMap(base, ours);
  // Where the fix edits, the target's lines on either side must sit at the same indentation
  // as upstream's: otherwise the fix's own lines would land at the wrong depth (which in
  // Python changes the meaning).
  const sameIndentAround = (k: number): boolean => {
    const j = map.get(k);
    if (j === undefined) return false;
    if (k > 0 && (j === 0 || indent(ours[j - 1]!) !== indent(base[k - 1]!))) return false;
    if (k < base.length && (j >= ours.length || indent(ours[j]!) !== indent(base[k]!))) return false;
    return true;
  };
  const out: string[] = [];
  let at = 0;
  for (const p of pieces) {
    if (p.op === 'insert') {
      if (!sameIndentAround(at)) return null;
      out.push(...p.lines);
      continue;
    }
    const a = map.get(p.from);
    const b = map.get(p.to);
    if (a === undefined || b === undefined || b < a) return null;
    if (p.op === 'equal') out.push(...ours.slice(a, b));
    else if (!sameIndentAround(p.from) || !sameIndentAround(p.to)) return null;
    // delete: the target's version of the deleted lines goes too
    at = p.to;
  }
  return out;
}

/**
 * Resolves every conflict block of a diff3-style file, or returns null when any block is a
 * real conflict.
 */
export function resolveFile(merged: string): string | null {
  const blocks = parseMarkers(merged);
  if (blocks.length === 0) return null;
  const lines = merged.split('\n');
  const out: string[] = [];
  let i = 0;
  for (const b of blocks) {
    while (i < b.at) out.push(lines[i++]!);
    const resolved = resolveBlock(b.ours, b.base, b.theirs);
    if (!resolved) return null;
    out.push(...resolved);
    i = b.end + 1;
  }
  while (i < lines.length) out.push(lines[i++]!);
  return out.join('\n');
}
