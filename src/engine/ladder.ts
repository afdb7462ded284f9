import { changedPaths } from '../git/changed-paths.js';
import { type Commit, listCommits, logCommits, readCommits, subjectOf } from '../git/commits.js';
import { BadRevisionError } from '../git/errors.js';
import { patchIds } from '../git/patch-id.js';
import type { Repo } from '../git/repo.js';
import { isFullOid } from '../git/validate.js';
import { provenanceRefs } from './provenance.js';
import type { Presence, Rung } from './types.js';

/**
 * The equivalence ladder (DESIGN §3): is change X already on branch B? Asked in order —
 * reachable; a provenance line naming X; the same `git patch-id --stable`; the same subject
 * and author (weak) — and the rung that answered is kept. Each branch's own commits are
 * read once, with one process, for all the commits asked about; patch-ids are computed in
 * bulk and only for what the cheaper rungs left open.
 */

export interface BranchTip {
  /** The branch as the caller named it. */
  name: string;
  /** The ref it resolved to, or the commit id when a commit was given. */
  ref: string;
  head: string;
}

/** Resolves a branch name (local, remote-tracking) or a commit id to a tip. */
export async function resolveBranch(repo: Repo, name: string): Promise<BranchTip> {
  if (isFullOid(name)) {
    const head = await repo.resolveCommit(name, 'branch');
    return { name, ref: head, head };
  }
  const ref = await repo.findBranch(name);
  if (ref) {
    const head = await repo.refTarget(ref);
    if (head) return { name, ref, head };
  }
  try {
    const head = await repo.resolveCommit(name, 'branch');
    return { name, ref: head, head };
  } catch (e) {
    if (e instanceof BadRevisionError)
      throw new BadRevisionError(name, `branch '${name}' is neither a branch nor a commit in ${repo.dir}`);
    throw e;
  }
}

/** What a branch carries, indexed for the ladder; built once per branch per question. */
export interface BranchIndex {
  tip: BranchTip;
  /** Of the commits asked about, those reachable from the tip. */
  reachable: Set<string>;
  /** The branch's own commits (not on the source), newest first, reverted ones left out. */
  own: Commit[];
  /** First 7 digits of a provenance hash → the hashes as written and the own commits naming them. */
  byProvenance: Map<string, { hash: string; commit: Commit }[]>;
  bySubjectAuthor: Map<string, Commit>;
  /** Filled lazily: own commit → the set of paths it changes, as one key. */
  pathKeys?: Map<string, string>;
}

function pathKey(paths: string[]): string {
  return [...paths].sort().join('\0');
}

function subjectAuthorKey(c: Commit): string {
  return `${subjectOf(c.message).toLowerCase()}\0${c.author.email.toLowerCase()}`;
}

const REVERT_RE = /This reverts commit ([0-9a-f]{40})/g;

/**
 * Reads a branch's own commits: those reachable from its tip but not from `exclude`
 * (the source branch and the asked commits), with one `git log`.
 */
export async function indexBranch(
  repo: Repo,
  tip: BranchTip,
  asked: readonly string[],
  exclude: readonly string[],
): Promise<BranchIndex> {
  // Asked commits not reachable from the tip are exactly those `rev-list <asked> ^tip` lists.
  const unreachable = asked.length
    ? new Set(await listCommits(repo, [], { stdinRevs: [...asked, `^${tip.head}`] }))
    : new Set<string>();
  const reachable = new Set(asked.filter((c) => !unreachable.has(c)));

  const excludes = [...new Set([...exclude, ...asked])].map((c) => `^${c}`);
  const own = await logCommits(repo, [], { stdinRevs: [tip.head, ...excludes] });

  const reverted = new Set<string>();
  for (const c of own) for (const m of c.message.matchAll(REVERT_RE)) reverted.add(m[1]!);
  const live = own.filter((c) => !reverted.has(c.oid) && !/^Revert "/.test(c.message));

  const byProvenance = new Map<string, { hash: string; commit: Commit }[]>();
  const bySubjectAuthor = new Map<string, Commit>();
  for (const c of live) {
    for (const ref of provenanceRefs(c.message)) {
      const key = ref.hash.slice(0, 7);
      const list = byProvenance.get(key) ?? [];
      list.push({ hash: ref.hash, commit: c });
      byProvenance.set(key, list);
    }
    const key = subjectAuthorKey(c);
    if (!bySubjectAuthor.has(key)) bySubjectAuthor.set(key, c);
  }
  return { tip, reachable, own: live, byProvenance, bySubjectAuthor };
}

/**
 * An own commit whose provenance names `hash`. Either side may be abbreviated (7–40
 * digits): they match when one is a prefix of the other.
 */
function findByProvenance(index: BranchIndex, hash: string): Commit | null {
  for (const e of index.byProvenance.get(hash.slice(0, 7)) ?? [])
    if (e.hash.startsWith(hash) || hash.startsWith(e.hash)) return e.commit;
  return null;
}

export interface LadderInput {
  repo: Repo;
  commits: Commit[];
  index: BranchIndex;
  /** Stop at this rung (e.g. `patch-id` to leave out weak matches). */
  lowest?: Rung;
}

const RUNG_ORDER: Rung[] = ['ancestor', 'provenance', 'patch-id', 'subject-author'];

/** Climbs the ladder for every commit on one branch. */
export async function presenceOn(input: LadderInput): Promise<Presence[]> {
  const { repo, commits, index } = input;
  const lowest = RUNG_ORDER.indexOf(input.lowest ?? 'subject-author');
  const result = new Map<string, Presence>();
  const found = (c: Commit, via: Rung, match: string) =>
    result.set(c.oid, {
      commit: c.oid,
      branch: index.tip.name,
      state: 'present',
      via,
      match,
      weak: via === 'subject-author',
    });

  let open: Commit[] = [];
  for (const c of commits) {
    if (index.reachable.has(c.oid)) found(c, 'ancestor', c.oid);
    else {
      // The commit itself named on the branch; or, when the commit is a backport, the
      // commit it came from named there (both carry the same change).
      const p =
        findByProvenance(index, c.oid) ??
        provenanceRefs(c.message)
          .map((r) => findByProvenance(index, r.hash))
          .find((x) => x !== null);
      if (p) found(c, 'provenance', p.oid);
      else open.push(c);
    }
  }

  if (open.length && lowest >= RUNG_ORDER.indexOf('patch-id') && index.own.length) {
    // Equal patches change equal sets of paths: compare those first (cheap), and compute
    // patch-ids only for commits whose path set occurs on both sides.
    if (!index.pathKeys) {
      const paths = await changedPaths(
        repo,
        index.own.map((c) => c.oid),
      );
      index.pathKeys = new Map(index.own.map((c) => [c.oid, pathKey(paths.get(c.oid) ?? [])]));
    }
    const askedPaths = await changedPaths(
      repo,
      open.map((c) => c.oid),
    );
    const askedKeys = new Map(open.map((c) => [c.oid, pathKey(askedPaths.get(c.oid) ?? [])]));
    const wanted = new Set([...askedKeys.values()].filter((k) => k !== ''));
    const ownCandidates = index.own.filter((c) => wanted.has(index.pathKeys!.get(c.oid) ?? ''));
    const ownKeys = new Set(ownCandidates.map((c) => index.pathKeys!.get(c.oid)));
    const askedCandidates = open.filter((c) => ownKeys.has(askedKeys.get(c.oid)));
    const ids = await patchIds(
      repo,
      [...ownCandidates, ...askedCandidates].map((c) => c.oid),
    );
    const byPatchId = new Map<string, Commit>();
    for (const c of ownCandidates) {
      const pid = ids.get(c.oid);
      if (pid && !byPatchId.has(pid)) byPatchId.set(pid, c);
    }
    const still: Commit[] = [];
    for (const c of open) {
      const pid = ids.get(c.oid);
      const hit = pid ? byPatchId.get(pid) : undefined;
      if (hit) found(c, 'patch-id', hit.oid);
      else still.push(c);
    }
    open = still;
  }

  if (lowest >= RUNG_ORDER.indexOf('subject-author')) {
    for (const c of open) {
      const hit = index.bySubjectAuthor.get(subjectAuthorKey(c));
      if (hit) found(c, 'subject-author', hit.oid);
    }
  }

  return commits.map(
    (c) =>
      result.get(c.oid) ?? {
        commit: c.oid,
        branch: index.tip.name,
        state: 'missing',
        via: null,
        match: null,
        weak: false,
      },
  );
}

export async function readAsked(repo: Repo, oids: readonly string[]): Promise<Commit[]> {
  return readCommits(repo, oids);
}
