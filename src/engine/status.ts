import { subjectOf } from '../git/commits.js';
import type { Repo } from '../git/repo.js';
import { defaultConcurrency, mapLimit } from './concurrency.js';
import { indexBranch, presenceOn, readAsked, resolveBranch } from './ladder.js';
import { openRepo } from './repo-arg.js';
import type { Rung, StatusReport } from './types.js';

export interface StatusOptions {
  repo?: string | Repo;
  /** Commits to look for (any revision; resolved once). */
  commits: string[];
  /** Branches (or commits) to look on. */
  branches: string[];
  /** Where the commits come from; its history is not a branch's "own". Default: the repository's main branch. */
  from?: string;
  /** Leave out rungs below this one (`patch-id` skips weak subject+author matches). */
  lowest?: Rung;
  concurrency?: number;
  onProgress?: (message: string) => void;
}

/** For every (commit, branch): present, and how we know, or missing. */
export async function status(opts: StatusOptions): Promise<StatusReport> {
  const repo = await openRepo(opts.repo);
  const oids = await repo.resolveCommits(opts.commits, 'commit');
  const unique = [...new Set(oids)];
  const tips = await Promise.all(opts.branches.map((b) => resolveBranch(repo, b)));
  const fromRef = opts.from ? (await resolveBranch(repo, opts.from)).head : await repo.defaultBranch();
  const commits = await readAsked(repo, unique);
  const exclude = fromRef ? [fromRef] : [];
  const perBranch = await mapLimit(tips, opts.concurrency ?? defaultConcurrency(), async (tip) => {
    opts.onProgress?.(`scanning ${tip.name}`);
    const index = await indexBranch(repo, tip, unique, exclude);
    return presenceOn({ repo, commits, index, lowest: opts.lowest });
  });
  return {
    commits: commits.map((c) => ({ commit: c.oid, subject: subjectOf(c.message) })),
    branches: tips.map((t) => ({ branch: t.name, ref: t.ref, head: t.head })),
    entries: perBranch.flat(),
  };
}
