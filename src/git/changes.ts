import type { Repo } from './repo.js';
import { isFullOid } from './validate.js';

/** One file a commit changes against its first parent (root commits: against nothing). */
export interface FileChange {
  /** A added, M modified, D deleted, R renamed, C copied, T type changed, U unmerged, X unknown. */
  status: 'A' | 'M' | 'D' | 'R' | 'C' | 'T' | 'U' | 'X';
  /** The path after the change; for a deletion, the deleted path. */
  path: string;
  /** The path before a rename or copy; null otherwise. */
  oldPath: string | null;
  /** Lines added, without the `+`. */
  added: string[];
  /** Lines removed, without the `-`. */
  removed: string[];
  binary: boolean;
}

export interface CommitChanges {
  oid: string;
  files: FileChange[];
}

/**
 * Reads what each commit changes, with one `git log` process for all of them: the file
 * list from `--raw -z` (exact paths, whatever characters they hold), the lines from the
 * patch. Merges are diffed against their first parent; renames are detected (`-M`).
 * Commits must be full ids (resolve them first); the result is in the order given.
 */
export async function readChanges(repo: Repo, oids: readonly string[]): Promise<CommitChanges[]> {
  if (oids.length === 0) return [];
  for (const oid of oids)
    if (!isFullOid(oid)) throw new Error(`readChanges: '${oid}' is not a full commit id`);
  const unique = [...new Set(oids)];
  const out = await repo.run(
    [
      'log',
      '--stdin',
      '--no-walk=unsorted',
      '--diff-merges=first-parent',
      '--root',
      '-M',
      '--raw',
      '-p',
      '-z',
      '--format=%x01%H',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      '--no-relative',
      '--no-show-signature',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      '--submodule=short',
    ],
    { input: `${unique.join('\n')}\n` },
  );
  const byOid = parseLogPatch(out.stdout);
  return oids.map((oid) => ({ oid, files: byOid.get(oid) ?? [] }));
}

/**
 * Parses `git log --format=%x01%H --raw -p -z` output. Each commit starts with \x01, the id
 * and NUL; then raw entries (`:modes oids status\0path\0[new path\0]`), a NUL, and the patch.
 * Patch text never holds a NUL (git shows such files as binary), which is what makes the
 * next commit's header findable.
 */
export function parseLogPatch(buf: Buffer): Map<string, FileChange[]> {
  const result = new Map<string, FileChange[]>();
  let pos = 0;
  while (pos < buf.length) {
    if (buf[pos] !== 0x01) throw new Error(`git log output: expected a commit header at byte ${pos}`);
    const oidEnd = buf.indexOf(0, pos);
    const oid = buf.subarray(pos + 1, oidEnd).toString('latin1');
    pos = oidEnd + 1;
    if (buf[pos] === 0x0a) pos++;
    const files: FileChange[] = [];
    while (buf[pos] === 0x3a /* ':' */) {
      const headEnd = buf.indexOf(0, pos);
      const head = buf.subarray(pos, headEnd).toString('latin1');
      const letter = (head.split(' ')[4] ?? 'X')[0] as FileChange['status'];
      const p1End = buf.indexOf(0, headEnd + 1);
      const p1 = buf.subarray(headEnd + 1, p1End).toString('utf8');
      pos = p1End + 1;
      if (letter === 'R' || letter === 'C') {
        const p2End = buf.indexOf(0, pos);
        const p2 = buf.subarray(pos, p2End).toString('utf8');
        pos = p2End + 1;
        files.push({ status: letter, path: p2, oldPath: p1, added: [], removed: [], binary: false });
      } else files.push({ status: letter, path: p1, oldPath: null, added: [], removed: [], binary: false });
    }
    if (buf[pos] === 0) pos++;
    // The patch runs to the next "\x01<id>\0" header: the last \x01 before the next NUL.
    const nextNul = buf.indexOf(0, pos);
    const end = nextNul === -1 ? buf.length : buf.lastIndexOf(0x01, nextNul);
    if (end > pos) applyPatch(buf.subarray(pos, end).toString('utf8'), files);
    pos = Math.max(pos, end);
    result.set(oid, files);
  }
  return result;
}

/** Distributes a commit's patch text over its raw entries, by path. */
function applyPatch(text: string, files: FileChange[]): void {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.startsWith('diff --git ')) {
      i++;
      continue;
    }
    const header: string[] = [line];
    i++;
    while (i < lines.length && !lines[i]!.startsWith('@@ ') && !lines[i]!.startsWith('diff --git ')) {
      header.push(lines[i]!);
      i++;
    }
    const file = fileFor(header, files);
    if (header.some((h) => h.startsWith('Binary files ') || h === 'GIT binary patch')) {
      if (file) file.binary = true;
    }
    while (i < lines.length && lines[i]!.startsWith('@@ ')) {
      const m = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(lines[i]!);
      i++;
      if (!m) continue;
      let oldLeft = m[1] === undefined ? 1 : Number(m[1]);
      let newLeft = m[2] === undefined ? 1 : Number(m[2]);
      while ((oldLeft > 0 || newLeft > 0) && i < lines.length) {
        const l = lines[i]!;
        i++;
        const c = l[0];
        if (c === '+') {
          file?.added.push(l.slice(1));
          newLeft--;
        } else if (c === '-') {
          file?.removed.push(l.slice(1));
          oldLeft--;
        } else if (c === '\\') {
          // "\ No newline at end of file"
        } else {
          // Context; an empty line is a blank context line under diff.suppressBlankEmpty.
          oldLeft--;
          newLeft--;
        }
      }
      if (i < lines.length && lines[i]!.startsWith('\\')) i++;
    }
  }
}

/** The raw entry a patch block belongs to, found from the block's headers. */
function fileFor(header: string[], files: FileChange[]): FileChange | undefined {
  const value = (prefix: string): string | null => {
    const h = header.find((x) => x.startsWith(prefix));
    return h === undefined ? null : unquote(h.slice(prefix.length).replace(/\t$/, ''));
  };
  const candidates: (string | null)[] = [
    value('rename to '),
    value('copy to '),
    stripPrefix(value('+++ '), 'b/'),
    stripPrefix(value('--- '), 'a/'),
    ...diffGitPaths(header[0]!),
  ];
  for (const c of candidates) {
    if (c === null) continue;
    const f = files.find((x) => x.path === c);
    if (f) return f;
  }
  return undefined;
}

function stripPrefix(p: string | null, prefix: string): string | null {
  if (p === null || p === '/dev/null') return null;
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

/** The paths of `diff --git a/X b/Y`: exact when quoted, else the equal halves of a non-rename. */
function diffGitPaths(line: string): string[] {
  const rest = line.slice('diff --git '.length);
  if (rest.startsWith('"')) {
    const m = /^("(?:[^"\\]|\\.)*") (.*)$/.exec(rest);
    if (!m) return [];
    return [stripPrefix(unquote(m[2]!), 'b/') ?? '', stripPrefix(unquote(m[1]!), 'a/') ?? ''];
  }
  if (rest.endsWith('"')) {
    const q = rest.lastIndexOf(' "');
    return [stripPrefix(unquote(rest.slice(q + 1)), 'b/') ?? ''];
  }
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === ' ') {
    const a = rest.slice(0, half);
    const b = rest.slice(half + 1);
    if (a.slice(2) === b.slice(2)) return [b.slice(2)];
  }
  return [];
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Undoes git's C-style quoting of a path ("\303\274" octal bytes, \t, \"). */
export function unquote(s: string): string {
  if (!s.startsWith('"') || !s.endsWith('"') || s.length < 2) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[i + 1] ?? '';
    if (/[0-7]/.test(n)) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(ESCAPES[n] ?? n.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
