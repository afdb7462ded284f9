import { matchesAny } from './glob.js';
import type { ResolvedPolicy } from './settings.js';
import type { ChangeClass, ChangedFile, ChangeFacts, ClassifiedCommit, TrackerFacts } from './types.js';

/**
 * What kind of change a commit is, with the evidence for each class: security (CVE ids,
 * keywords, tracker data), critical, bug fix (trailers, tracker type), feature, and the
 * safe classes the stable policy lets maintainers take on any supported branch (docs,
 * tests, configuration-file content, CI, log-message corrections). A commit can have
 * several classes; they are listed strongest first.
 */

const CVE = /\bCVE-\d{4}-\d{4,}\b/gi;
const TRAILER = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$/;

export function subjectOf(message: string): string {
  return (message.split(/\n\s*\n/, 1)[0] ?? '').replace(/\s*\n\s*/g, ' ').trim();
}

export function classify(
  change: ChangeFacts,
  policy: ResolvedPolicy,
  tracker?: TrackerFacts,
): ClassifiedCommit {
  const evidence: { class: ChangeClass; why: string }[] = [];
  const add = (c: ChangeClass, why: string): void => {
    evidence.push({ class: c, why });
  };
  const message = change.message;

  if (policy.security.cve) {
    const ids = [...new Set([...message.matchAll(CVE)].map((m) => m[0].toUpperCase()))];
    for (const id of ids) add('security', `${id} in the message`);
    for (const id of tracker?.cves ?? [])
      if (!ids.includes(id.toUpperCase())) add('security', `tracker links ${id}`);
  }
  const trailerKeys = policy.bug_fix.trailers.map((t) => t.toLowerCase());
  for (const line of message.split('\n')) {
    const m = TRAILER.exec(line.trim());
    if (m && trailerKeys.includes(m[1]!.toLowerCase()) && m[2]!.trim() !== '') add('bug-fix', line.trim());
  }
  const signs: [ChangeClass, ClassSigns][] = [
    ['security', policy.security],
    ['critical', policy.critical],
    ['bug-fix', policy.bug_fix],
    ['feature', policy.feature],
  ];
  for (const [cls, s] of signs) for (const why of messageAndTrackerSigns(message, tracker, s)) add(cls, why);
  const safe = safeClass(change.files, policy);
  if (safe) add(safe.class, safe.why);

  const order: ChangeClass[] = [
    'security',
    'critical',
    'bug-fix',
    'feature',
    'docs-only',
    'tests-only',
    'ci-only',
    'config-only',
    'log-typo',
  ];
  const classes = order.filter((c) => evidence.some((e) => e.class === c));
  if (classes.length === 0) classes.push('unclassified');
  evidence.sort((a, b) => order.indexOf(a.class) - order.indexOf(b.class));
  return { commit: change.commit, subject: subjectOf(message), classes, evidence };
}

/** The signs of a class that the message and the tracker can carry. */
interface ClassSigns {
  keywords?: string[];
  patterns?: string[];
  tracker_labels?: string[];
  tracker_severities?: string[];
  tracker_types?: string[];
}

function messageAndTrackerSigns(message: string, tracker: TrackerFacts | undefined, s: ClassSigns): string[] {
  const out: string[] = [];
  for (const k of s.keywords ?? []) if (hasKeyword(message, k)) out.push(`"${k}" in the message`);
  for (const p of s.patterns ?? []) {
    const m = new RegExp(p, 'im').exec(message);
    if (m) out.push(lineOf(message, m));
  }
  const labels = (tracker?.labels ?? []).map((l) => l.toLowerCase());
  for (const l of s.tracker_labels ?? [])
    if (labels.includes(l.toLowerCase())) out.push(`tracker label "${l}"`);
  const is = (value: string | undefined, list: readonly string[] = []): boolean =>
    value !== undefined && list.some((x) => x.toLowerCase() === value.toLowerCase());
  if (is(tracker?.severity, s.tracker_severities)) out.push(`tracker severity "${tracker?.severity}"`);
  if (is(tracker?.type, s.tracker_types)) out.push(`tracker type "${tracker?.type}"`);
  return out;
}

/** A keyword as a word or phrase, case-insensitive: "OSSA-" matches "OSSA-2024-001", not "fOSSA-". */
function hasKeyword(text: string, keyword: string): boolean {
  const k = keyword.trim();
  if (k === '') return false;
  const esc = k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const start = /^\w/.test(k) ? '(?<![\\w])' : '';
  const end = /\w$/.test(k) ? '(?![\\w])' : '';
  return new RegExp(`${start}${esc}${end}`, 'i').test(text);
}

/** The line a match starts on (past any whitespace the pattern's `^\\s*` swallowed). */
function lineOf(text: string, m: RegExpExecArray): string {
  const index = m.index + (m[0].length - m[0].trimStart().length);
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end === -1 ? undefined : end).trim();
}

/**
 * The safe class of a commit, if every file it touches is harmless. Documentation rides
 * along with any safe class (a test fix with a release note is still tests only), and tests
 * ride along with CI (a gate fix often touches both).
 */
export function safeClass(
  files: readonly ChangedFile[],
  policy: ResolvedPolicy,
): { class: ChangeClass; why: string } | null {
  if (files.length === 0) return null;
  const s = policy.safe;
  const paths = (f: ChangedFile): string[] => (f.oldPath ? [f.path, f.oldPath] : [f.path]);
  const isIn = (f: ChangedFile, globs: readonly string[]): boolean =>
    paths(f).every((p) => matchesAny(p, globs));
  const docs = files.filter((f) => isIn(f, s.docs));
  const tests = files.filter((f) => isIn(f, s.tests));
  const ci = files.filter((f) => isIn(f, s.ci));
  const config = files.filter((f) => isIn(f, s.config_files));
  const all = (...groups: ChangedFile[][]): boolean => files.every((f) => groups.some((g) => g.includes(f)));
  const sample = (g: ChangedFile[]): string =>
    g.length === 1 ? g[0]!.path : `${g[0]!.path} and ${g.length - 1} more`;
  if (all(docs)) return { class: 'docs-only', why: `every file is documentation: ${sample(docs)}` };
  if (tests.length > 0 && all(tests, docs))
    return { class: 'tests-only', why: `only tests change: ${sample(tests)}` };
  if (ci.length > 0 && all(ci, tests, docs))
    return { class: 'ci-only', why: `only CI files change: ${sample(ci)}` };
  if (config.length > 0 && all(config, docs))
    return { class: 'config-only', why: `only configuration-file content changes: ${sample(config)}` };
  const code = files.filter((f) => !docs.includes(f) && !tests.includes(f));
  if (code.length > 0 && s.log_calls.length > 0 && code.every((f) => onlyLogMessages(f, s.log_calls)))
    return { class: 'log-typo', why: `only log messages change: ${sample(code)}` };
  return null;
}

/** A string literal opening the line: the continuation of a log call's message. */
const STRING_LINE = /^\s*[rRbBuUfF]{0,2}(["']).*$/;

/**
 * A file whose edits only reword log messages: as many lines removed as added, every one a
 * log call or a string continuing one, and at least one a log call.
 */
function onlyLogMessages(f: ChangedFile, logCalls: readonly string[]): boolean {
  if (f.binary || f.status !== 'M' || f.added.length === 0 || f.added.length !== f.removed.length)
    return false;
  const res = logCalls.map((p) => new RegExp(p));
  const isLog = (l: string): boolean => res.some((r) => r.test(l));
  const changed = [...f.added, ...f.removed];
  return changed.every((l) => isLog(l) || STRING_LINE.test(l)) && changed.some(isLog);
}
