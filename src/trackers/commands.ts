import type { BackportCommand } from './types.js';

/**
 * Comment commands: a line `/backport <sha>... [to <stream>]`. Only whole lines count, outside
 * code fences and quotes, so a comment that quotes a command does not repeat it.
 */
export function parseBackportCommands(
  body: string,
  commentId: string,
  command = '/backport',
): BackportCommand[] {
  const out: BackportCommand[] = [];
  let fenced = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced || line.startsWith('>')) continue;
    const words = line.split(/\s+/);
    if (words[0] !== command) continue;
    const rest = words.slice(1).filter(Boolean);
    const to = rest.lastIndexOf('to');
    let stream: string | null = null;
    let hashes = rest;
    if (to !== -1 && to === rest.length - 2) {
      stream = rest[to + 1]!;
      hashes = rest.slice(0, to);
    }
    out.push({ hashes: hashes.map((h) => h.replace(/[,;]+$/, '')).filter(Boolean), stream, commentId });
  }
  return out;
}
