import type { Identity } from './types.js';

/**
 * Provenance in commit messages: reading the lines that say where a backport came from,
 * and writing them the way git, Gerrit and the stable trees expect.
 */

/** The provenance formats Ferry recognises, each naming the upstream commit. */
const PROVENANCE_PATTERNS: { format: string; re: RegExp }[] = [
  // git cherry-pick -x; also Gerrit's "Cherry Pick To" button
  { format: 'cherry-pick-x', re: /\(cherry[ -]picked from commit ([0-9a-f]{7,40})\)/gi },
  // Linux stable: "commit <sha> upstream." at the top of the body
  { format: 'kernel-stable', re: /^\s*commit ([0-9a-f]{7,40}) upstream\.?\s*$/gim },
  // Linux stable, alternative: "[ Upstream commit <sha> ]"
  { format: 'kernel-upstream-bracket', re: /^\s*\[\s*upstream commit ([0-9a-f]{7,40})\s*\]\s*$/gim },
  // backport tools: "Backport of <sha> from main"
  { format: 'backport-of', re: /\bbackport of (?:commit )?([0-9a-f]{7,40}) from\b/gi },
  // Debian/Ubuntu: "(backported from commit <sha>)"
  { format: 'backported-from', re: /\(backported from commit ([0-9a-f]{7,40})\b[^)]*\)/gi },
];

export interface ProvenanceRef {
  /** The hash as written (7 to 40 hex digits, lower case). */
  hash: string;
  format: string;
}

/** Every upstream commit a message names as its origin, in the order they appear. */
export function provenanceRefs(message: string): ProvenanceRef[] {
  const found: { at: number; ref: ProvenanceRef }[] = [];
  for (const { format, re } of PROVENANCE_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(message); m; m = re.exec(message)) {
      found.push({ at: m.index, ref: { hash: m[1]!.toLowerCase(), format } });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.ref);
}

const TRAILER_LINE = /^[A-Za-z0-9][A-Za-z0-9-]*:\s/;
const CHERRY_LINE = /^\(cherry picked from commit [0-9a-f]+\)$/;
const GIT_GENERATED = /^(Signed-off-by: |\(cherry picked from commit )/;

function splitParagraphs(message: string): string[] {
  return message
    .replace(/\s+$/, '')
    .split(/\n[ \t]*\n/)
    .filter((p) => p.trim().length > 0);
}

/**
 * Whether a paragraph is a trailer block as git decides it: all lines trailers, or a block
 * with a git-generated line where at least a quarter of the lines are trailers.
 */
export function isTrailerBlock(paragraph: string): boolean {
  const lines = paragraph.split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) return false;
  let trailers = 0;
  let generated = false;
  let other = 0;
  for (const l of lines) {
    if (/^[ \t]/.test(l)) continue; // continuation of the previous trailer
    if (TRAILER_LINE.test(l) || CHERRY_LINE.test(l)) {
      trailers++;
      if (GIT_GENERATED.test(l)) generated = true;
    } else other++;
  }
  if (trailers === 0) return false;
  return other === 0 || (generated && trailers * 3 >= other);
}

/** The last paragraph holds a Gerrit Change-Id: it must stay the last paragraph. */
function hasChangeIdLast(paragraphs: string[]): boolean {
  const last = paragraphs[paragraphs.length - 1] ?? '';
  return /^Change-Id: I[0-9a-f]{40}\s*$/m.test(last);
}

export function changeIdOf(message: string): string | null {
  const paragraphs = splitParagraphs(message);
  const last = paragraphs[paragraphs.length - 1] ?? '';
  return /^Change-Id: (I[0-9a-f]{40})\s*$/m.exec(last)?.[1] ?? null;
}

export interface BackportMessageOptions {
  /** Full id of the upstream commit, for the `(cherry picked from commit ...)` line. */
  origin: string;
  /** Add `Signed-off-by:` for this identity (after the provenance line, as `git cherry-pick -x -s`). */
  signoff?: Identity | null;
  /** A paragraph for reviewers (how it applied, conflicts resolved); goes above the trailers. */
  note?: string | null;
}

/**
 * The message of a backport: the original message, the provenance line as `git
 * cherry-pick -x` writes it, an optional sign-off, and an optional note placed above the
 * trailer paragraph so that a Gerrit `Change-Id:` stays in the last paragraph.
 */
export function backportMessage(original: string, opts: BackportMessageOptions): string {
  let paragraphs = splitParagraphs(original);
  if (opts.note?.trim()) paragraphs = insertAboveTrailers(paragraphs, opts.note.trim());
  const line = `(cherry picked from commit ${opts.origin})`;
  const last = paragraphs[paragraphs.length - 1];
  const alreadyThere = last?.split('\n').includes(line);
  if (!alreadyThere) {
    if (last !== undefined && (isTrailerBlock(last) || hasChangeIdLast(paragraphs)))
      paragraphs[paragraphs.length - 1] = `${last}\n${line}`;
    else paragraphs.push(line);
  }
  if (opts.signoff) {
    const sob = `Signed-off-by: ${opts.signoff.name} <${opts.signoff.email}>`;
    const lastLines = (paragraphs[paragraphs.length - 1] ?? '').split('\n');
    if (lastLines[lastLines.length - 1] !== sob) paragraphs[paragraphs.length - 1] += `\n${sob}`;
  }
  return `${paragraphs.join('\n\n')}\n`;
}

function insertAboveTrailers(paragraphs: string[], note: string): string[] {
  const last = paragraphs[paragraphs.length - 1];
  if (paragraphs.length > 1 && last !== undefined && (isTrailerBlock(last) || hasChangeIdLast(paragraphs)))
    return [...paragraphs.slice(0, -1), note, last];
  return [...paragraphs, note];
}

/** The `Conflicts:` paragraph git users write when they resolved conflicts by hand. */
export function conflictsNote(paths: readonly string[]): string {
  return ['Conflicts:', ...paths.map((p) => `\t${p}`)].join('\n');
}
