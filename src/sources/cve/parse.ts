import { header, parseMessage } from '../mail/message.js';
import { describeOrigin, type MessageOrigin, type RawMessage } from '../mail/raw-message.js';
import { compareKernelVersions, isKernelVersion, isMainlineVersion } from './kernel-version.js';

/**
 * The Linux kernel CVE team's announcement e-mail (linux-cve-announce, rendered by its `bippy`
 * tool), turned into data. The JSON that `ferry cve parse --json` prints is exactly
 * `CveAnnouncement`, so field names are snake_case.
 */
export interface CveAnnouncement {
  cve: string;
  /** A REJECTED notice: the CVE id is withdrawn; nothing else is announced. */
  rejected: boolean;
  /** The fix's title, without the `CVE-…:` and `REJECTED:` prefixes. */
  subject: string;
  /** The Description section as written (empty for a rejection). */
  description: string;
  severity: Severity | null;
  /** One per line of "Affected and fixed versions", in the announcement's order. */
  pairs: CvePair[];
  /** Every fixing commit (lines and Mitigation links), full hashes where the links give them. */
  fix_commits: FixCommit[];
  /** The mainline fix (the commit the CVE was assigned for); null for a rejection. */
  main_fix: string | null;
  files: string[];
  /** Every link in the Mitigation section (fix commits and any advisory). */
  references: string[];
  message_id: string | null;
}

export interface VersionedCommit {
  version: string;
  /** As announced: 12 or 40 hex digits. */
  commit: string;
}

/** `introduced` null: present since before anyone can tell; `fixed` null: not fixed yet. */
export interface CvePair {
  introduced: VersionedCommit | null;
  fixed: VersionedCommit | null;
}

export interface FixCommit {
  commit: string;
  /**
   * The release that carries it; null for a fix named only in the Mitigation links (the team
   * leaves out the line of a pair introduced and fixed in the same release).
   */
  version: string | null;
  /** The mainline fix. */
  main: boolean;
}

export interface Severity {
  /** `3.1` */
  cvss_version: string;
  score: number;
  /** `HIGH`, `CRITICAL`, ... */
  rating: string;
  vector: string | null;
}

export class NotAnAnnouncementError extends Error {
  override name = 'NotAnAnnouncementError';
  readonly exitCode = 2;
  readonly input: string;
  constructor(
    readonly origin: MessageOrigin,
    readonly reason: string,
  ) {
    const where = describeOrigin(origin);
    super(`${where}: not a CVE announcement: ${reason}`);
    this.input = where;
  }
}

const CVE_ID = /\bCVE-\d{4}-\d{4,}\b/;
const HEX = '[0-9a-f]{7,40}';
const VER = '([0-9][0-9A-Za-z.+~-]*)';
const INTRODUCED_AND_FIXED = new RegExp(
  `^Issue introduced in ${VER} with commit (${HEX}) and fixed in ${VER} with commit (${HEX})\\.?$`,
  'i',
);
const INTRODUCED_ONLY = new RegExp(`^Issue introduced in ${VER} with commit (${HEX})\\.?$`, 'i');
const FIXED_ONLY = new RegExp(`^Fixed in ${VER} with commit (${HEX})\\.?$`, 'i');
/** A line that means to be a version line; if none of the shapes above fits it, that is an error. */
const VERSION_LINE = /^(Issue introduced in|Fixed in)\b/i;
const FIX_LINK = /^https?:\/\/git\.kernel\.org\/(?:\S*?\/c\/|linus\/|\S*?[?&]id=)([0-9a-f]{7,40})\b/i;
const REJECTED_SUBJECT = /^\s*(?:\[[^\]]*\]\s*)*REJECTED\b:?/i;
/** The team's rejection sentence, on a line of its own (prose that mentions a rejection is not one). */
const REJECTED_BODY = /^\s*(CVE-\d{4}-\d{4,}) has (?:now )?been rejected and is no longer a valid CVE\b/m;
const REPLY = /^\s*(?:re|aw|sv|fwd?)\s*:/i;
const ASSIGNED = /has assigned (CVE-\d{4}-\d{4,}) to this issue/;
const RESOLVED = /the following vulnerability has been resolved:\s*\n\s*\n([^\n]+)/;

/** Parses one announcement; throws `NotAnAnnouncementError` naming the message otherwise. */
export function parseAnnouncement(
  raw: Uint8Array | string,
  origin: MessageOrigin = { source: '<input>', index: 0 },
): CveAnnouncement {
  const msg = parseMessage(raw);
  const fail = (reason: string): never => {
    throw new NotAnAnnouncementError(origin, reason);
  };
  const subjectHeader = header(msg, 'subject') ?? '';
  const text = msg.text;
  const messageId = header(msg, 'message-id')?.trim() || null;
  // Discussion on the list quotes announcements and rejections; only the team's own mail counts.
  if (REPLY.test(subjectHeader))
    fail(`a reply (subject ${JSON.stringify(subjectHeader)}), not an announcement`);
  const rejected = REJECTED_SUBJECT.test(subjectHeader) || REJECTED_BODY.test(text);

  const cve =
    CVE_ID.exec(subjectHeader)?.[0] ??
    ASSIGNED.exec(text)?.[1] ??
    REJECTED_BODY.exec(text)?.[1] ??
    /cve\.org\/CVERecord\/\?id=(CVE-\d{4}-\d{4,})/.exec(text)?.[1] ??
    fail(
      msg.hasHeaders
        ? `no CVE id in the subject ${JSON.stringify(subjectHeader)} or the body`
        : 'no headers and no CVE id in the body',
    );

  let subject = subjectHeader.replace(REJECTED_SUBJECT, '').replace(/^\s*(?:\[[^\]]*\]\s*)*/, '');
  if (subject.startsWith(cve)) subject = subject.slice(cve.length).replace(/^:/, '');
  subject = subject.trim();
  if (!subject) subject = RESOLVED.exec(text)?.[1]?.trim() ?? '';

  if (rejected) {
    return {
      cve,
      rejected: true,
      subject,
      description: '',
      severity: null,
      pairs: [],
      fix_commits: [],
      main_fix: null,
      files: [],
      references: [],
      message_id: messageId,
    };
  }

  const sections = splitSections(text);
  const versions = sections.get('affected and fixed versions');
  if (!versions) fail(`no "Affected and fixed versions" section (subject ${JSON.stringify(subjectHeader)})`);
  const pairs = parsePairs(lines(versions), fail);
  if (pairs.length === 0) fail('the "Affected and fixed versions" section has no version lines');

  const references = lines(sections.get('mitigation'))
    .map((l) => l.trim())
    .filter((l) => /^https?:\/\/\S+$/.test(l));
  const fixCommits = collectFixes(pairs, references);
  return {
    cve,
    rejected: false,
    subject,
    description: describe(sections.get('description') ?? ''),
    severity: parseSeverity(sections.get('severity')),
    pairs,
    fix_commits: fixCommits,
    main_fix: fixCommits.find((f) => f.main)?.commit ?? null,
    files: parseFiles(lines(sections.get('affected files'))),
    references,
    message_id: messageId,
  };
}

/** The sections bippy writes, each a title underlined with `=` (on the line below). */
const SECTION_TITLE =
  /^(Description|Severity|Affected and fixed versions|Affected files|Mitigation)[ \t]*\n=+[ \t]*$/gim;

/**
 * The text of each known section (keys in lower case), found by their titles only:
 * descriptions quote oopses and KASAN reports whose lines are underlined with `=` too.
 */
function splitSections(text: string): Map<string, string> {
  const titles: { key: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(SECTION_TITLE)) {
    const key = m[1]!.toLowerCase();
    if (!titles.some((t) => t.key === key))
      titles.push({ key, start: m.index!, end: m.index! + m[0].length });
  }
  const sections = new Map<string, string>();
  titles.forEach((t, i) => {
    sections.set(t.key, text.slice(t.end + 1, titles[i + 1]?.start ?? text.length));
  });
  return sections;
}

const lines = (section: string | undefined): string[] => (section ? section.split('\n') : []);

function parsePairs(lines: string[], fail: (reason: string) => never): CvePair[] {
  const pairs: CvePair[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!VERSION_LINE.test(line)) continue;
    let m = INTRODUCED_AND_FIXED.exec(line);
    if (m) {
      pairs.push({
        introduced: versioned(m[1]!, m[2]!, line, fail),
        fixed: versioned(m[3]!, m[4]!, line, fail),
      });
      continue;
    }
    m = INTRODUCED_ONLY.exec(line);
    if (m) {
      pairs.push({ introduced: versioned(m[1]!, m[2]!, line, fail), fixed: null });
      continue;
    }
    m = FIXED_ONLY.exec(line);
    if (m) {
      pairs.push({ introduced: null, fixed: versioned(m[1]!, m[2]!, line, fail) });
      continue;
    }
    fail(`a line of "Affected and fixed versions" is not understood: ${JSON.stringify(line)}`);
  }
  return pairs;
}

function versioned(
  version: string,
  commit: string,
  line: string,
  fail: (r: string) => never,
): VersionedCommit {
  if (!isKernelVersion(version)) fail(`'${version}' is not a kernel version, in ${JSON.stringify(line)}`);
  return { version, commit: commit.toLowerCase() };
}

/**
 * Fix commits: the Mitigation links in their order (the team lists them oldest release first,
 * mainline last), then any line's fix that no link names. The main fix is the one released in
 * mainline; when no line names a mainline release, the mainline pair was one introduced and fixed
 * in the same release, which has no line but keeps its link: the last link without a line.
 */
function collectFixes(pairs: CvePair[], references: string[]): FixCommit[] {
  const fixes: FixCommit[] = [];
  const find = (commit: string) =>
    fixes.find((f) => f.commit.startsWith(commit) || commit.startsWith(f.commit));
  for (const url of references) {
    const m = FIX_LINK.exec(url);
    if (m && !find(m[1]!.toLowerCase()))
      fixes.push({ commit: m[1]!.toLowerCase(), version: null, main: false });
  }
  for (const p of pairs) {
    if (!p.fixed) continue;
    const known = find(p.fixed.commit);
    if (known) {
      if (known.version === null || compareKernelVersions(p.fixed.version, known.version) < 0)
        known.version = p.fixed.version;
    } else fixes.push({ commit: p.fixed.commit, version: p.fixed.version, main: false });
  }
  const mainline = fixes.filter((f) => f.version !== null && isMainlineVersion(f.version));
  let main: FixCommit | undefined;
  if (mainline.length > 0)
    main = mainline.reduce((a, b) => (compareKernelVersions(b.version!, a.version!) > 0 ? b : a));
  else {
    const linkOnly = fixes.filter((f) => f.version === null);
    main = linkOnly[linkOnly.length - 1];
    main ??= fixes.reduce<FixCommit | undefined>(
      (a, b) => (a === undefined || compareKernelVersions(b.version!, a.version!) > 0 ? b : a),
      undefined,
    );
  }
  if (main) main.main = true;
  return fixes;
}

function parseSeverity(text: string | undefined): Severity | null {
  if (!text) return null;
  const score = /CVSS\s*v?([\d.]+):\s*([\d.]+)\s+([A-Za-z]+)/.exec(text);
  if (!score) return null;
  const vector = /Vector:\s*(\S+)/.exec(text);
  return {
    cvss_version: score[1]!,
    score: Number(score[2]),
    rating: score[3]!.toUpperCase(),
    vector: vector?.[1] ?? null,
  };
}

function parseFiles(lines: string[]): string[] {
  return lines
    .filter((l) => /^\s/.test(l))
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** The Description as written, without the team's closing "has assigned CVE-… to this issue." */
function describe(section: string): string {
  const end = section.search(/^The Linux kernel CVE team has assigned CVE-/m);
  return (end === -1 ? section : section.slice(0, end)).replace(/^\s*\n/, '').trimEnd();
}

export interface ParsedBatch {
  announcements: { announcement: CveAnnouncement; origin: MessageOrigin }[];
  errors: NotAnAnnouncementError[];
}

/** Parses every message; a message that is not an announcement is reported and the rest go on. */
export function parseAnnouncements(messages: Iterable<RawMessage>): ParsedBatch {
  const batch: ParsedBatch = { announcements: [], errors: [] };
  for (const m of messages) {
    try {
      batch.announcements.push({ announcement: parseAnnouncement(m.raw, m.origin), origin: m.origin });
    } catch (e) {
      if (e instanceof NotAnAnnouncementError) batch.errors.push(e);
      else throw e;
    }
  }
  return batch;
}
