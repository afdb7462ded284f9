import { writeCommit } from '../git/cherry-pick-tree.js';
import { type Commit, type Person, readCommits } from '../git/commits.js';
import { BadInputError, BadRefNameError } from '../git/errors.js';
import type { Repo } from '../git/repo.js';
import { applyCommit, pickParent } from './apply-commit.js';
import { defaultConcurrency, mapLimit } from './concurrency.js';
import { describeConflicts, publicConflicts } from './conflicts.js';
import { type BranchTip, indexBranch, presenceOn, resolveBranch } from './ladder.js';
import { findPrerequisites } from './prerequisites.js';
import { backportMessage } from './provenance.js';
import { openRepo } from './repo-arg.js';
import type { CommitPick, Identity, PickReport, Presence, TargetResult } from './types.js';

/**
 * Puts commits on branches: each target gets the series applied in the given order, each
 * commit onto the previous result, without a work tree (DESIGN §3). Targets are picked
 * concurrently; with `cascade` they are taken newest first and each older target may start
 * from what the newer one got.
 */

export interface PickOptions {
  repo?: string | Repo;
  /** The commits to carry, applied in this order. */
  commits: string[];
  /** Branches (or commits) to carry them to; newest first when cascading. */
  targets: string[];
  cascade?: boolean;
  /** Compute everything, write commits, but move no branch. */
  dryRun?: boolean;
  /** For merge commits: which parent is the mainline (1-based, default 1). */
  mainline?: number;
  /** Who commits the backports; default git's configured committer. */
  committer?: Identity;
  signoff?: Identity | null;
  /** Branch name per target: `{target}`, `{short}` (first commit, 12 digits), `{sha}`. */
  branchName?: string;
  /** Second chances for layout-only conflicts (see apply-commit.ts); default on. */
  fallback?: boolean;
  /** Look for likely prerequisites of a conflict (a few git processes per conflict); default on. */
  findPrerequisites?: boolean;
  /** Ask the ladder first and report commits already there as present; default on. */
  checkPresent?: boolean;
  /** Per commit (as given), other commits carrying the same change, tried first as sources. */
  sources?: Record<string, string[]>;
  /** Per commit, commits carrying the same change tried only after the original conflicts. */
  fallbackSources?: Record<string, string[]>;
  /** Where the commits come from (for the ladder); default the repository's main branch. */
  from?: string;
  concurrency?: number;
  /** The committer date; default now. */
  now?: Date;
  onProgress?: (message: string) => void;
}

export const DEFAULT_BRANCH_TEMPLATE = 'backport/{target}/{short}';

interface SeriesItem {
  commit: Commit;
  /** Commits to try as source before the commit itself. */
  alternates: Commit[];
  /** Commits to try after the commit itself conflicted. */
  fallbacks: Commit[];
}

interface Ctx {
  repo: Repo;
  opts: PickOptions;
  committer: Person;
  from: string | null;
  fallback: boolean;
}

export async function pick(opts: PickOptions): Promise<PickReport> {
  if (opts.commits.length === 0) throw new BadInputError('', 'no commits to pick; give at least one commit');
  if (opts.targets.length === 0)
    throw new BadInputError('', 'no target; give at least one --to branch or commit');
  const repo = await openRepo(opts.repo);
  const oids = await repo.resolveCommits(opts.commits, 'commit');
  const tips = await Promise.all(opts.targets.map((t) => resolveBranch(repo, t)));
  const commits = await readCommits(repo, oids);
  for (const c of commits) pickParent(c, opts.mainline);

  const readSources = async (given: Record<string, string[]> | undefined) => {
    const out = new Map<string, Commit[]>();
    for (const [commit, list] of Object.entries(given ?? {})) {
      const [key] = await repo.resolveCommits([commit], 'commit');
      out.set(key!, await readCommits(repo, await repo.resolveCommits(list, 'source commit')));
    }
    return out;
  };
  const alternates = await readSources(opts.sources);
  const fallbacks = await readSources(opts.fallbackSources);

  const branches = opts.dryRun
    ? tips.map(() => null)
    : await planBranches(repo, tips, commits, opts.branchName);
  const ctx: Ctx = {
    repo,
    opts,
    committer: await committerOf(repo, opts),
    from:
      opts.checkPresent === false
        ? null
        : opts.from
          ? (await resolveBranch(repo, opts.from)).head
          : await repo.defaultBranch(),
    fallback: opts.fallback ?? true,
  };

  // Cascading, the nearest newer target's result is tried first; farther ones only after the original.
  const items = (nearest?: Map<string, Commit[]>, farther?: Map<string, Commit[]>): SeriesItem[] =>
    commits.map((c) => ({
      commit: c,
      alternates: [...(nearest?.get(c.oid) ?? []), ...(alternates.get(c.oid) ?? [])],
      fallbacks: [...(farther?.get(c.oid) ?? []), ...(fallbacks.get(c.oid) ?? [])],
    }));

  let results: TargetResult[];
  if (opts.cascade) {
    results = [];
    for (const [i, tip] of tips.entries()) {
      const newer = results[i - 1];
      const nearest = newer ? await cascadeSources(repo, [newer]) : undefined;
      const farther = i > 1 ? await cascadeSources(repo, results.slice(0, i - 1).reverse()) : undefined;
      results.push(await pickTarget(ctx, tip, items(nearest, farther), cascadeLabels(results)));
    }
  } else {
    results = await mapLimit(tips, opts.concurrency ?? defaultConcurrency(), (tip) =>
      pickTarget(ctx, tip, items(), new Map()),
    );
  }

  if (!opts.dryRun) {
    for (const [i, r] of results.entries()) {
      const plan = branches[i];
      if (!plan || r.status !== 'picked' || !r.head) continue;
      await repo.updateRef(plan.ref, r.head, plan.old, `ferry pick onto ${r.target}`);
      r.branch = plan.ref.replace(/^refs\/heads\//, '');
    }
  }
  return { targets: results };
}

interface BranchPlan {
  ref: string;
  /** What the branch pointed at when we started (null: it did not exist). */
  old: string | null;
}

/** Names and checks every branch before anything is written, so bad input writes nothing. */
async function planBranches(
  repo: Repo,
  tips: BranchTip[],
  commits: Commit[],
  template = DEFAULT_BRANCH_TEMPLATE,
): Promise<(BranchPlan | null)[]> {
  const checkedOut = await repo.headRef();
  const seen = new Set<string>();
  const plans: (BranchPlan | null)[] = [];
  for (const tip of tips) {
    if (!tip.ref.startsWith('refs/')) {
      plans.push(null); // a commit id as target: picked onto, no branch moved
      continue;
    }
    const targetName = tip.ref.replace(/^refs\/heads\//, '').replace(/^refs\/remotes\/[^/]+\//, '');
    const first = commits[0]!.oid;
    const name = template
      .replaceAll('{target}', targetName)
      .replaceAll('{short}', first.slice(0, 12))
      .replaceAll('{sha}', first);
    await repo.assertBranchName(name, '--branch-name');
    const ref = `refs/heads/${name}`;
    if (ref === checkedOut)
      throw new BadRefNameError(
        name,
        `branch '${name}' is checked out; Ferry never moves the checked-out branch`,
      );
    if (ref === tip.ref)
      throw new BadRefNameError(
        name,
        `branch name '${name}' is the target itself; choose another --branch-name`,
      );
    if (seen.has(ref))
      throw new BadRefNameError(
        name,
        `two targets would share the branch '${name}'; put {target} in --branch-name`,
      );
    seen.add(ref);
    plans.push({ ref, old: await repo.refTarget(ref) });
  }
  return plans;
}

async function committerOf(repo: Repo, opts: PickOptions): Promise<Person> {
  const date = `${Math.floor((opts.now ?? new Date()).getTime() / 1000)} +0000`;
  if (opts.committer) return { ...opts.committer, date };
  const r = await repo.run(['var', 'GIT_COMMITTER_IDENT'], { okExitCodes: [0, 128] });
  const m = /^(.*?) <(.*)> /.exec(r.stdout.toString('utf8'));
  if (r.code === 0 && m) return { name: m[1]!, email: m[2]!, date };
  return { name: 'Ferry', email: 'ferry@localhost', date };
}

/** What newer targets' results offer an older one: the commits they made or found, in order. */
async function cascadeSources(repo: Repo, newer: TargetResult[]): Promise<Map<string, Commit[]>> {
  const pairs: [string, string][] = [];
  for (const t of newer)
    for (const c of t.commits) {
      if (c.status === 'picked' && c.result) pairs.push([c.commit, c.result]);
      else if (c.status === 'present' && c.match && c.match !== c.commit) pairs.push([c.commit, c.match]);
    }
  const read = await readCommits(
    repo,
    pairs.map(([, s]) => s),
  );
  const out = new Map<string, Commit[]>();
  pairs.forEach(([c], i) => {
    const list = out.get(c) ?? [];
    if (!list.some((x) => x.oid === read[i]!.oid)) list.push(read[i]!);
    out.set(c, list);
  });
  return out;
}

/** Which newer target each cascade source came from, for `source_used`. */
function cascadeLabels(newer: TargetResult[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const t of newer)
    for (const c of t.commits) {
      const s = c.status === 'picked' ? c.result : c.status === 'present' ? c.match : null;
      if (s && s !== c.commit && !labels.has(s)) labels.set(s, `cascade:${t.target}`);
    }
  return labels;
}

async function pickTarget(
  ctx: Ctx,
  tip: BranchTip,
  items: SeriesItem[],
  /** Where each cascade source came from (`cascade:<target>`). */
  labels: Map<string, string>,
): Promise<TargetResult> {
  const { repo, opts } = ctx;
  const result: TargetResult = {
    target: tip.name,
    status: 'present',
    source_used: 'original',
    commits: [],
    head: tip.head,
    base: tip.head,
    branch: null,
    conflicts: [],
    prerequisites: [],
  };
  try {
    const presence = new Map<string, Presence>();
    if (opts.checkPresent ?? true) {
      const asked = items.map((i) => i.commit.oid);
      const index = await indexBranch(repo, tip, asked, ctx.from ? [ctx.from] : []);
      for (const p of await presenceOn({
        repo,
        commits: items.map((i) => i.commit),
        index,
        lowest: 'patch-id',
      }))
        presence.set(p.commit, p);
    }
    let head = tip.head;
    let tree = (await readCommits(repo, [tip.head]))[0]!.tree;
    let stopped = false;
    for (const [k, item] of items.entries()) {
      const x = item.commit;
      if (stopped) {
        result.commits.push({ commit: x.oid, status: 'skipped', result: null, via: null, source: x.oid });
        continue;
      }
      const known = presence.get(x.oid);
      if (known?.state === 'present') {
        result.commits.push({
          commit: x.oid,
          status: 'present',
          result: null,
          via: known.via,
          source: x.oid,
          match: known.match,
        });
        continue;
      }
      opts.onProgress?.(`${tip.name}: ${x.oid.slice(0, 12)} (${k + 1}/${items.length})`);
      let firstConflict: {
        source: Commit;
        outcome: Extract<Awaited<ReturnType<typeof applyCommit>>, { kind: 'conflict' }>;
      } | null = null;
      let done: CommitPick | null = null;
      for (const source of [...item.alternates, x, ...item.fallbacks]) {
        const outcome = await applyCommit(repo, {
          commit: source,
          ontoTree: tree,
          mainline: opts.mainline,
          fallback: ctx.fallback,
        });
        if (outcome.kind === 'conflict') {
          if (source === x || !firstConflict) firstConflict = { source, outcome };
          continue;
        }
        if (outcome.kind === 'empty') {
          done = {
            commit: x.oid,
            status: 'present',
            result: null,
            via: 'empty',
            source: source.oid,
            match: null,
          };
          break;
        }
        const made = await writeCommit(repo, {
          tree: outcome.tree,
          parents: [head],
          message: backportMessage(source.message, {
            origin: source.oid,
            signoff: opts.signoff ?? null,
            note: outcome.note,
          }),
          author: source.author,
          committer: ctx.committer,
        });
        head = made;
        tree = outcome.tree;
        done = { commit: x.oid, status: 'picked', result: made, via: outcome.via, source: source.oid };
        break;
      }
      if (done) {
        result.commits.push(done);
        continue;
      }
      // Conflict: report it against the original commit, which is what a person would pick.
      const { source, outcome } = firstConflict!;
      const details = await describeConflicts(repo, outcome.pick, {
        target: head,
        incoming: source.oid,
        base: outcome.parent,
      });
      result.conflicts = publicConflicts(details);
      if (outcome.parent && (opts.findPrerequisites ?? true)) {
        result.prerequisites = await findPrerequisites({
          repo,
          commit: source.oid,
          parent: outcome.parent,
          target: { ...tip, head },
          conflicts: details,
        });
      }
      result.commits.push({ commit: x.oid, status: 'conflict', result: null, via: null, source: source.oid });
      stopped = true;
    }
    const statuses = result.commits.map((c) => c.status);
    result.status = statuses.includes('conflict')
      ? 'conflict'
      : statuses.includes('picked')
        ? 'picked'
        : 'present';
    result.head = result.status === 'conflict' ? null : head;
    const sources = new Set(
      result.commits
        .filter((c) => c.status === 'picked')
        .map((c) => (c.source === c.commit ? 'original' : (labels.get(c.source) ?? 'source'))),
    );
    result.source_used = sources.size === 1 ? [...sources][0]! : sources.size === 0 ? 'original' : 'mixed';
  } catch (e) {
    if (e instanceof BadInputError) throw e;
    result.status = 'error';
    result.head = null;
    result.error = (e as Error).message;
  }
  return result;
}
