import { applyPatchToTree } from '../git/apply-patch.js';
import { readBlobs } from '../git/blobs.js';
import { cherryPickTree, type TreePick } from '../git/cherry-pick-tree.js';
import type { Commit } from '../git/commits.js';
import { replaceBlobs } from '../git/replace-blobs.js';
import type { Repo } from '../git/repo.js';
import { conflictKind } from './conflicts.js';
import { resolveFile } from './resolve-whitespace.js';

/**
 * Applies one commit's change onto a tree, the way `git cherry-pick` would, and — when
 * allowed — with two careful second chances for conflicts that are only about layout.
 */

export type ApplyOutcome =
  | { kind: 'clean'; tree: string; via: 'merge' | 'whitespace' | 'apply-3way'; note: string | null }
  | { kind: 'empty' }
  | { kind: 'conflict'; pick: TreePick; parent: string | null };

export class MainlineError extends Error {
  override name = 'MainlineError';
  readonly exitCode = 2;
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}

/** The parent whose change is picked: the mainline parent of a merge, else the only one. */
export function pickParent(commit: Commit, mainline = 1): string | null {
  if (commit.parents.length === 0) return null;
  if (commit.parents.length === 1) return commit.parents[0]!;
  const p = commit.parents[mainline - 1];
  if (!p)
    throw new MainlineError(
      String(mainline),
      `commit ${commit.oid.slice(0, 12)} has ${commit.parents.length} parents; --mainline ${mainline} does not name one`,
    );
  return p;
}

const MARKER = /^(<{7}|>{7}|\|{7})( |$)|^={7}$/m;

export async function applyCommit(
  repo: Repo,
  opts: { commit: Commit; ontoTree: string; mainline?: number; fallback: boolean },
): Promise<ApplyOutcome> {
  const parent = pickParent(opts.commit, opts.mainline);
  const pick = await cherryPickTree(repo, {
    commit: opts.commit.oid,
    parent,
    ontoTree: opts.ontoTree,
    commitDate: opts.commit.committer.date,
  });
  if (pick.clean)
    return pick.tree === opts.ontoTree
      ? { kind: 'empty' }
      : { kind: 'clean', tree: pick.tree, via: 'merge', note: null };
  if (!opts.fallback) return { kind: 'conflict', pick, parent };

  const kinds = pick.messages.map(conflictKind).filter((k) => k !== null);
  if (kinds.length > 0 && kinds.every((k) => k === 'content')) {
    const resolved = await resolveLayoutConflicts(repo, pick);
    if (resolved) {
      return resolved.tree === opts.ontoTree
        ? { kind: 'empty' }
        : {
            kind: 'clean',
            tree: resolved.tree,
            via: 'whitespace',
            note: `[ferry: the context differed from upstream only in layout in ${resolved.paths.join(', ')}; the target's layout was kept]`,
          };
    }
  }

  const applied = await applyPatchToTree(repo, {
    commit: opts.commit.oid,
    parent,
    ontoTree: opts.ontoTree,
    threeWay: true,
    ignoreWhitespace: true,
  });
  if (
    applied.ok &&
    applied.tree !== opts.ontoTree &&
    !(await introducesMarkers(repo, opts.ontoTree, applied.tree, pick))
  ) {
    return {
      kind: 'clean',
      tree: applied.tree,
      via: 'apply-3way',
      note: '[ferry: applied with git apply --3way --ignore-whitespace after a conflicting merge]',
    };
  }
  return { kind: 'conflict', pick, parent };
}

async function resolveLayoutConflicts(
  repo: Repo,
  pick: TreePick,
): Promise<{ tree: string; paths: string[] } | null> {
  const specs = pick.conflictedPaths.map((p) => `${pick.tree}:${p}`);
  const blobs = await readBlobs(repo, specs);
  const files: { path: string; content: string }[] = [];
  for (const p of pick.conflictedPaths) {
    const merged = blobs.get(`${pick.tree}:${p}`);
    if (!merged || merged.includes(0)) return null;
    const resolved = resolveFile(merged.toString('utf8'));
    if (resolved === null || MARKER.test(resolved)) return null;
    files.push({ path: p, content: resolved });
  }
  if (files.length === 0) return null;
  return { tree: await replaceBlobs(repo, pick.tree, files), paths: files.map((f) => f.path) };
}

/** Whether the new tree has conflict-marker lines in the files the merge found conflicted. */
async function introducesMarkers(
  repo: Repo,
  before: string,
  after: string,
  pick: TreePick,
): Promise<boolean> {
  const specs = pick.conflictedPaths.flatMap((p) => [`${before}:${p}`, `${after}:${p}`]);
  const blobs = await readBlobs(repo, specs);
  return pick.conflictedPaths.some((p) => {
    const b = blobs.get(`${before}:${p}`)?.toString('utf8') ?? '';
    const a = blobs.get(`${after}:${p}`)?.toString('utf8') ?? '';
    return MARKER.test(a) && !MARKER.test(b);
  });
}
