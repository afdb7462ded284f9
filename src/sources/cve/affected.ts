import type { Rung } from '../../engine/types.js';
import {
  compareKernelVersions,
  isMainlineVersion,
  type KernelVersion,
  kernelIncludes,
  kernelSeries,
  parseKernelVersion,
} from './kernel-version.js';
import type { CveAnnouncement, CvePair, FixCommit, VersionedCommit } from './parse.js';

/**
 * Which streams a CVE affects, and what each one needs. Pure: what is on a branch comes from
 * an injected lookup (the engine's equivalence ladder in production), so this module does no
 * I/O and its decisions are tested on plain data.
 *
 * Per stream, in order:
 * 1. From the versions alone (when the stream says which upstream release it is `based_on`):
 *    the announcement's pairs that govern the base's release line are those of its own series
 *    (a stable fix 5.14.15, a regression introduced in 5.14.3, the mainline fix in 5.14-rc3);
 *    without any, the mainline pairs. The base is not affected when no governing pair was
 *    introduced by it, or when all of them were fixed by a release it already includes.
 * 2. Not introduced by version, but an introducing commit is on the branch (a backport brought
 *    the bug): affected after all.
 * 3. Affected by version (or no base known): fixed already when the ladder finds any fix
 *    commit on the branch (a weak subject+author match is reported, not trusted).
 * 4. Otherwise affected: it needs the mainline fix, with the stable fixes as alternatives; when
 *    a newer stable release of the base's own series carries the fix, "update to it, or backport".
 */

/** The part of a configured stream this decision needs (a `Stream` from config fits). */
export interface StreamTarget {
  name: string;
  branch: string;
  based_on?: string | null;
}

/** The ladder's answer for one commit on one branch. */
export interface CommitOnBranch {
  /** The commit as asked (the announcement's 12 or 40 hex digits). */
  commit: string;
  branch: string;
  /** `unknown`: not checked (the commit is not in the repository, or no ladder ran). */
  state: 'present' | 'missing' | 'unknown';
  via: Rung | null;
  /** The commit on the branch that carries it. */
  match: string | null;
  weak: boolean;
  /** Why the state is unknown. */
  note?: string;
}

/** An answer that says the commit could not be looked for on the branch, and why. */
export function notChecked(commit: string, branch: string, note: string): CommitOnBranch {
  return { commit, branch, state: 'unknown', via: null, match: null, weak: false, note };
}

/** Answers "is each of these commits on each of these branches" (one call for all). */
export type FindOnBranches = (
  commits: readonly string[],
  branches: readonly string[],
) => Promise<CommitOnBranch[]>;

export type Verdict = 'not-affected' | 'fixed' | 'affected';
/** What an affected stream should do; `none` when it is not affected. */
export type Plan = 'none' | 'backport' | 'update-or-backport' | 'no-fix-yet';

export interface FixRef {
  commit: string;
  version: string | null;
}

export interface StreamDecision {
  cve: string;
  stream: string;
  branch: string;
  based_on: string | null;
  verdict: Verdict;
  plan: Plan;
  /** In plain words, for people: shown in tracker comments, the CLI and the dashboard. */
  reason: string;
  /** The mainline fix to carry (null when nothing is needed or no fix exists). */
  needs: FixRef | null;
  /** The stable-series fixes of the same change, the base's own series first. */
  alternatives: FixRef[];
  /** A newer release of the base's series that carries the fix. */
  update_to: string | null;
  /** The ladder's evidence: the fix found on the branch, or a backported introducing commit. */
  evidence: CommitOnBranch | null;
}

const short = (commit: string) => commit.slice(0, 12);
const at = (v: VersionedCommit) => `${v.version} (${short(v.commit)})`;

const RUNG_ORDER: Rung[] = ['ancestor', 'provenance', 'patch-id', 'subject-author'];

const RUNG_WORDS: Record<Rung, string> = {
  ancestor: 'the same commit',
  provenance: 'a provenance line naming it',
  'patch-id': 'the same patch-id',
  'subject-author': 'the same subject and author',
};

type VersionFinding =
  | { kind: 'not-introduced'; introduced: VersionedCommit[]; reach: string[] }
  | { kind: 'fixed-in-base'; fixes: VersionedCommit[] }
  | { kind: 'vulnerable'; since: VersionedCommit | null; needed: VersionedCommit[]; updateTo: string | null }
  | { kind: 'no-base' };

/** The series a pair describes: that of its fix, or of its introduction when it is not fixed. */
function pairSeries(p: CvePair): string | null {
  const v = p.fixed?.version ?? p.introduced?.version;
  return v ? kernelSeries(v) : null;
}

function isMainlinePair(p: CvePair): boolean {
  if (p.fixed) return isMainlineVersion(p.fixed.version);
  return p.introduced !== null && isMainlineVersion(p.introduced.version);
}

function findByVersion(pairs: CvePair[], base: KernelVersion): VersionFinding {
  const series = kernelSeries(base);
  let governing = pairs.filter((p) => pairSeries(p) === series);
  if (governing.length === 0) governing = pairs.filter(isMainlinePair);
  const introducedHere = governing.filter(
    (p) => p.introduced === null || kernelIncludes(base, p.introduced.version),
  );
  if (introducedHere.length === 0) {
    const introduced = governing.map((p) => p.introduced).filter((v): v is VersionedCommit => v !== null);
    const reach = [...new Set(pairs.map(pairSeries).filter((s): s is string => s !== null))];
    return { kind: 'not-introduced', introduced: uniqueVersions(introduced), reach };
  }
  const open = introducedHere.filter((p) => !(p.fixed && kernelIncludes(base, p.fixed.version)));
  if (open.length === 0)
    return { kind: 'fixed-in-base', fixes: uniqueVersions(introducedHere.map((p) => p.fixed!)) };
  const needed = open.map((p) => p.fixed).filter((v): v is VersionedCommit => v !== null);
  const inSeries = needed.length === open.length && needed.every((v) => kernelSeries(v.version) === series);
  const updateTo = inSeries
    ? needed.reduce((a, b) => (compareKernelVersions(b.version, a.version) > 0 ? b : a)).version
    : null;
  const since = open.find((p) => p.introduced === null) ? null : earliest(open.map((p) => p.introduced!));
  return { kind: 'vulnerable', since, needed: uniqueVersions(needed), updateTo };
}

function earliest(list: VersionedCommit[]): VersionedCommit {
  return list.reduce((a, b) => (compareKernelVersions(b.version, a.version) < 0 ? b : a));
}

function uniqueVersions(list: VersionedCommit[]): VersionedCommit[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const key = `${v.version}:${v.commit}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The commits whose presence on a branch matters for a CVE: fixes first, then introductions. */
export function commitsToCheck(cve: CveAnnouncement): string[] {
  const out = new Set<string>();
  for (const f of cve.fix_commits) out.add(f.commit);
  for (const p of cve.pairs) if (p.introduced) out.add(p.introduced.commit);
  return [...out];
}

function sameCommit(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

function fixRefs(
  cve: CveAnnouncement,
  base: KernelVersion | null,
): { needs: FixRef | null; alternatives: FixRef[] } {
  const main: FixCommit | undefined = cve.fix_commits.find((f) => f.main);
  const needs = main ? { commit: main.commit, version: main.version } : null;
  const series = base ? kernelSeries(base) : null;
  const rank = (f: FixCommit) =>
    f.version !== null && series !== null && kernelSeries(f.version) === series ? 0 : 1;
  const alternatives = cve.fix_commits
    .filter((f) => f !== main)
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (a.version && b.version
          ? compareKernelVersions(b.version, a.version)
          : a.version
            ? -1
            : b.version
              ? 1
              : 0),
    )
    .map((f) => ({ commit: f.commit, version: f.version }));
  return { needs, alternatives };
}

/**
 * The decision for one stream, from the announcement and the ladder's answers for this
 * stream's branch (`found`; empty when no ladder ran).
 */
export function decideStream(
  cve: CveAnnouncement,
  stream: StreamTarget,
  found: readonly CommitOnBranch[],
): StreamDecision {
  const base = stream.based_on
    ? parseKernelVersion(stream.based_on, `based_on of stream '${stream.name}'`)
    : null;
  const { needs, alternatives } = fixRefs(cve, base);
  const decision = (
    verdict: Verdict,
    reason: string,
    extra: Partial<Pick<StreamDecision, 'plan' | 'update_to' | 'evidence'>> = {},
  ): StreamDecision => ({
    cve: cve.cve,
    stream: stream.name,
    branch: stream.branch,
    based_on: stream.based_on ?? null,
    verdict,
    plan: extra.plan ?? 'none',
    reason,
    needs: verdict === 'affected' ? needs : null,
    alternatives: verdict === 'affected' ? alternatives : [],
    update_to: extra.update_to ?? null,
    evidence: extra.evidence ?? null,
  });
  const on = (commit: string) =>
    found.find((f) => f.branch === stream.branch && sameCommit(f.commit, commit)) ?? null;
  const strong = (f: CommitOnBranch | null) => f !== null && f.state === 'present' && !f.weak;
  const baseText = base ? `${base.text}, the base of ${stream.name}` : '';

  const finding: VersionFinding = base ? findByVersion(cve.pairs, base) : { kind: 'no-base' };
  if (finding.kind === 'fixed-in-base')
    return decision(
      'not-affected',
      `not affected: fixed in ${finding.fixes.map(at).join(' and ')}, which ${baseText} already includes`,
    );

  let introducedBy: CommitOnBranch | null = null;
  if (finding.kind === 'not-introduced') {
    const backported = cve.pairs
      .map((p) => p.introduced)
      .filter((v): v is VersionedCommit => v !== null && !kernelIncludes(base!, v.version))
      .map((v) => on(v.commit))
      .find(strong);
    const when = finding.introduced.length
      ? `introduced in ${finding.introduced.map(at).join(' and ')}, after ${baseText}`
      : `the announced ranges (series ${finding.reach.join(', ')}) do not reach ${baseText}`;
    if (!backported) {
      const later = cve.pairs.filter((p) => p.introduced && !kernelIncludes(base!, p.introduced.version));
      const states = later.map((p) => on(p.introduced!.commit)?.state ?? 'unknown');
      const ladder =
        states.length === 0
          ? ''
          : states.every((s) => s === 'missing')
            ? `; the introducing commits are not on ${stream.branch} either`
            : states.every((s) => s === 'unknown')
              ? `; the ladder did not check ${stream.branch} for a backport of the introducing commits`
              : '';
      return decision('not-affected', `not affected: ${when}${ladder}`);
    }
    introducedBy = backported;
  }

  const fixes = cve.fix_commits.map((f) => ({ fix: f, found: on(f.commit) }));
  // The strongest evidence wins (the fix itself reachable, then a provenance line, then
  // patch-id); on a tie the mainline fix is the one to name.
  const present = fixes
    .filter((x) => strong(x.found))
    .sort(
      (a, b) =>
        RUNG_ORDER.indexOf(a.found!.via!) - RUNG_ORDER.indexOf(b.found!.via!) ||
        Number(b.fix.main) - Number(a.fix.main),
    )[0];
  if (present) {
    const f = present.found!;
    const what = present.fix.version
      ? `${short(present.fix.commit)} (${present.fix.version})`
      : short(present.fix.commit);
    const as = f.match && !sameCommit(f.match, present.fix.commit) ? ` as ${short(f.match)}` : '';
    return decision(
      'fixed',
      `fixed already: the fix ${what} is on ${stream.branch}${as} (${RUNG_WORDS[f.via!]})`,
      {
        evidence: f,
      },
    );
  }

  const parts: string[] = [];
  if (introducedBy) {
    const v = cve.pairs.find((p) => p.introduced && sameCommit(p.introduced.commit, introducedBy.commit))!
      .introduced!;
    parts.push(
      `introduced in ${at(v)}, after ${baseText}, but that commit is on ${stream.branch}` +
        `${introducedBy.match && !sameCommit(introducedBy.match, v.commit) ? ` as ${short(introducedBy.match)}` : ''}` +
        ` (${RUNG_WORDS[introducedBy.via!]})`,
    );
  } else if (finding.kind === 'vulnerable') {
    parts.push(
      `${finding.since ? `introduced in ${at(finding.since)}` : 'no known start'}, not fixed in ${baseText}`,
    );
  } else {
    parts.push(
      `${stream.name} has no based_on, so only the ladder can tell, and it finds no fix on ${stream.branch}`,
    );
  }
  const weak = fixes.find((x) => x.found?.state === 'present' && x.found.weak);
  if (weak)
    parts.push(
      `${stream.branch} has ${short(weak.found!.match ?? '')} with the fix's subject and author: check whether it is the fix`,
    );
  const unknown = fixes.filter((x) => x.found === null || x.found.state === 'unknown');
  if (unknown.length === fixes.length && fixes.length > 0)
    parts.push(
      `the ladder did not check ${stream.branch}${unknown[0]!.found?.note ? ` (${unknown[0]!.found.note})` : ''}`,
    );

  if (!needs)
    return decision('affected', `affected: ${parts.join('; ')}; no fix exists upstream yet`, {
      plan: 'no-fix-yet',
    });
  const updateTo = finding.kind === 'vulnerable' && !introducedBy ? finding.updateTo : null;
  const release = needs.version === null || isMainlineVersion(needs.version) ? 'mainline' : 'stable only';
  const what = `needs ${short(needs.commit)} (${release}${needs.version ? ` ${needs.version}` : ''})`;
  const plan = updateTo ? `update to ${updateTo}, or backport` : 'backport';
  return decision('affected', `affected: ${parts.join('; ')}; ${what}: ${plan}`, {
    plan: updateTo ? 'update-or-backport' : 'backport',
    update_to: updateTo,
    evidence: introducedBy,
  });
}

/**
 * Decisions for every stream. A rejected CVE affects nothing. Without `find` (no repository at
 * hand) the decisions rest on versions alone and say that the ladder did not run.
 */
export async function assessStreams(
  cve: CveAnnouncement,
  streams: readonly StreamTarget[],
  find?: FindOnBranches,
): Promise<StreamDecision[]> {
  if (cve.rejected || streams.length === 0) return [];
  const commits = commitsToCheck(cve);
  const branches = [...new Set(streams.map((s) => s.branch))];
  const found = find
    ? await find(commits, branches)
    : branches.flatMap((branch) => commits.map((c) => notChecked(c, branch, 'no repository to look in')));
  return streams.map((s) => decideStream(cve, s, found));
}
