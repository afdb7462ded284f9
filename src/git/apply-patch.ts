import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from './repo.js';
import { GitError, gitPipe } from './run.js';

/**
 * The second chance for a pick that `merge-tree` could not do cleanly: `git apply` of the
 * commit's patch onto a temporary index holding the target's tree. Tolerating whitespace
 * and shorter context, it applies changes whose context lines were only re-indented or
 * re-wrapped on the target. Still no work tree: the index is a throw-away file in the
 * git directory, and the result is written as a tree.
 */

export interface ApplyOptions {
  commit: string;
  parent: string | null;
  ontoTree: string;
  /** Ignore whitespace differences in context lines (`--ignore-whitespace`). */
  ignoreWhitespace?: boolean;
  /** Lines of context that must match (`-C<n>`); git's default is all (3). */
  context?: number;
  /** Fall back on a 3-way merge per file where the blobs are known (`--3way`). */
  threeWay?: boolean;
}

export type ApplyResult = { ok: true; tree: string } | { ok: false; reason: string };

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export async function applyPatchToTree(repo: Repo, opts: ApplyOptions): Promise<ApplyResult> {
  const dir = path.join(repo.gitDir, 'ferry', 'tmp');
  await mkdir(dir, { recursive: true });
  const index = path.join(dir, `index-${process.pid}-${randomBytes(6).toString('hex')}`);
  const env = { GIT_INDEX_FILE: index };
  try {
    await repo.run(['read-tree', opts.ontoTree], { env });
    const diff = [
      'diff-tree',
      '-p',
      '--binary',
      '--full-index',
      '--no-renames',
      opts.parent ?? EMPTY_TREE,
      opts.commit,
    ];
    const apply = ['apply', '--cached', '--recount'];
    if (opts.threeWay) apply.push('--3way');
    if (opts.ignoreWhitespace) apply.push('--ignore-whitespace');
    if (opts.context !== undefined) apply.push(`-C${opts.context}`);
    try {
      await gitPipe(repo.dir, diff, apply, { env });
    } catch (e) {
      if (e instanceof GitError) return { ok: false, reason: e.stderr.trim() || e.message };
      throw e;
    }
    const unmerged = await repo.run(['ls-files', '-u', '-z'], { env });
    if (unmerged.stdout.length > 0) return { ok: false, reason: 'the 3-way fallback left unmerged paths' };
    const tree = (await repo.text(['write-tree'], { env })).trim();
    return { ok: true, tree };
  } finally {
    await rm(index, { force: true });
    await rm(`${index}.lock`, { force: true });
  }
}
