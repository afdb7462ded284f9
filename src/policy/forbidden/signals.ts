import { selected } from '../glob.js';
import type { Signal } from '../settings.js';
import type { ChangedFile, ChangeFacts, Finding } from '../types.js';

/**
 * Evaluates one signal of a forbidden change against one commit. Signals are data (from a
 * profile or `ferry.yaml`); this is the only code that interprets them.
 */
export function findSignal(signal: Signal, change: ChangeFacts): Finding[] {
  const files = change.files.filter(
    (f) =>
      (signal.statuses === undefined || signal.statuses.includes(f.status)) &&
      (selected(f.path, signal.paths, signal.exclude) ||
        (f.oldPath !== null && selected(f.oldPath, signal.paths, signal.exclude))),
  );
  if (files.length === 0) return [];
  const note = signal.note === true;
  const found = (path: string, detail: string | null): Finding => ({ path, what: signal.what, detail, note });
  switch (signal.kind) {
    case 'file-added':
      return files.filter((f) => f.status === 'A' || f.status === 'C').map((f) => found(f.path, null));
    case 'file-removed':
      return files.filter((f) => f.status === 'D').map((f) => found(f.path, null));
    case 'file-changed':
      return files.map((f) => found(f.path, statusWords(f)));
    case 'line-added':
    case 'line-removed': {
      const re = compile(signal.pattern);
      const out: Finding[] = [];
      for (const f of files) {
        const [mine, theirs] = signal.kind === 'line-added' ? [f.added, f.removed] : [f.removed, f.added];
        const hits = netLines(mine, theirs).filter((l) => re.test(l));
        if (hits.length > 0) out.push(found(f.path, quote(hits)));
      }
      return out;
    }
    case 'value-changed': {
      const re = compile(signal.pattern);
      const out: Finding[] = [];
      for (const f of files) {
        const before = values(f.removed, re);
        const after = values(f.added, re);
        if (sameSet(before, after)) continue;
        out.push(found(f.path, `${before.join(', ') || 'none'} → ${after.join(', ') || 'none'}`));
      }
      return out;
    }
    case 'name-added':
    case 'name-removed':
    case 'name-changed':
      return nameFindings(signal, files, change, found);
  }
}

function nameFindings(
  signal: Signal,
  files: ChangedFile[],
  change: ChangeFacts,
  found: (path: string, detail: string | null) => Finding,
): Finding[] {
  const re = compile(signal.pattern, 'gm');
  // Names are compared over the whole commit, so an option moved between files is not "removed".
  const removed = new Map<string, { name: string; path: string; lines: Set<string> }>();
  const added = new Map<string, { name: string; path: string; lines: Set<string> }>();
  for (const f of files) {
    collectNames(f.removed, re, f.path, removed);
    collectNames(f.added, re, f.path, added);
  }
  const out: Finding[] = [];
  if (signal.kind === 'name-added') {
    for (const [key, a] of added) if (!removed.has(key)) out.push(found(a.path, a.name));
  } else if (signal.kind === 'name-removed') {
    const addedText = change.files.flatMap((f) => f.added).join('\n');
    for (const [key, r] of removed) {
      if (added.has(key)) continue;
      if (signal.unless_added) {
        const unless = new RegExp(signal.unless_added.replaceAll('{name}', escapeRegExp(r.name)), 'm');
        if (unless.test(addedText)) continue;
      }
      out.push(found(r.path, r.name));
    }
  } else {
    for (const [key, r] of removed) {
      const a = added.get(key);
      if (!a || sameSet([...r.lines].map(looseLine), [...a.lines].map(looseLine))) continue;
      out.push(found(a.path, `${[...r.lines].join(' | ')} → ${[...a.lines].join(' | ')}`));
    }
  }
  return out;
}

function collectNames(
  lines: string[],
  re: RegExp,
  path: string,
  into: Map<string, { name: string; path: string; lines: Set<string> }>,
): void {
  const text = lines.join('\n');
  for (const m of text.matchAll(re)) {
    const name = m[1];
    if (!name) continue;
    const key = normalizeName(name);
    const start = text.lastIndexOf('\n', m.index) + 1;
    const endNl = text.indexOf('\n', m.index + m[0].length);
    const line = text.slice(start, endNl === -1 ? undefined : endNl).trim();
    const entry = into.get(key) ?? { name, path, lines: new Set<string>() };
    entry.lines.add(line);
    into.set(key, entry);
  }
}

/** Lines compare without regard to case or spacing (a package's name spelt differently). */
function looseLine(line: string): string {
  return line.toLowerCase().replace(/\s+/g, ' ');
}

/** Package and option names compare the way their tools do: case and `-_.` folded. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Lines of `mine` not matched by an equal line (ignoring indentation) of `theirs`. */
export function netLines(mine: readonly string[], theirs: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const l of theirs) counts.set(l.trim(), (counts.get(l.trim()) ?? 0) + 1);
  const out: string[] = [];
  for (const l of mine) {
    const n = counts.get(l.trim()) ?? 0;
    if (n > 0) counts.set(l.trim(), n - 1);
    else out.push(l);
  }
  return out;
}

function values(lines: readonly string[], re: RegExp): string[] {
  const out = new Set<string>();
  for (const l of lines) {
    const m = re.exec(l);
    if (m?.[1] !== undefined) out.add(m[1]);
  }
  return [...out].sort();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function statusWords(f: ChangedFile): string {
  switch (f.status) {
    case 'A':
      return 'added';
    case 'D':
      return 'deleted';
    case 'R':
      return `renamed from ${f.oldPath}`;
    case 'C':
      return `copied from ${f.oldPath}`;
    default:
      return 'modified';
  }
}

function quote(lines: string[]): string {
  const first = lines[0]!.trim();
  const shown = first.length > 80 ? `${first.slice(0, 77)}...` : first;
  return lines.length === 1 ? `"${shown}"` : `"${shown}" and ${lines.length - 1} more`;
}

const compiled = new Map<string, RegExp>();
function compile(pattern: string | undefined, flags = ''): RegExp {
  const key = `${flags}/${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    re = new RegExp(pattern ?? '.', flags);
    compiled.set(key, re);
  }
  return re;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
