import type { Person } from './commits.js';
import { writeLooseObject } from './object-store.js';
import type { Repo } from './repo.js';

/**
 * `git cherry-pick` without a work tree, an index or HEAD (DESIGN §3): a synthetic commit
 * with the target's tree and the picked commit's parent, merged with the picked commit by
 * `git merge-tree --write-tree`. Its merge base is then the picked commit's parent, so the
 * result is exactly the tree `git cherry-pick` would produce, conflicts included.
 */

export interface MergeMessage {
  paths: string[];
  /** git's short type: `CONFLICT (contents)`, `CONFLICT (modify/delete)`, `Auto-merging`, ... */
  type: string;
  message: string;
}

export interface TreePick {
  clean: boolean;
  /** The result tree; on conflict it holds git's conflict markers (diff3 style). */
  tree: string;
  conflictedPaths: string[];
  messages: MergeMessage[];
}

/**
 * Applies the change `parent → commit` onto `ontoTree`. `parent` is null for a root
 * commit (its change is "add every file"). All ids must be full, verified object ids.
 * The synthetic commit carries the picked commit's date: git finds merge bases by walking
 * history newest first, and a synthetic commit dated far in the past would make it walk
 * the whole history before reaching it.
 */
export async function cherryPickTree(
  repo: Repo,
  opts: { commit: string; parent: string | null; ontoTree: string; commitDate: string },
): Promise<TreePick> {
  const ferry = { name: 'ferry', email: 'ferry@localhost', date: opts.commitDate };
  const synthetic = await writeCommit(repo, {
    tree: opts.ontoTree,
    parents: opts.parent ? [opts.parent] : [],
    message: 'ferry synthetic target\n',
    author: ferry,
    committer: ferry,
  });

  const args = [
    '-c',
    'merge.conflictStyle=diff3',
    'merge-tree',
    '--write-tree',
    '-z',
    '--name-only',
    '--messages',
  ];
  if (!opts.parent) args.push('--allow-unrelated-histories');
  args.push(synthetic, opts.commit);
  const r = await repo.run(args, { okExitCodes: [0, 1] });
  return { ...parseMergeTree(r.stdout.toString('utf8')), clean: r.code === 0 };
}

/** Parses `merge-tree --write-tree -z --name-only --messages` output. */
export function parseMergeTree(out: string): Omit<TreePick, 'clean'> {
  const parts = out.split('\0');
  const tree = parts[0] ?? '';
  let i = 1;
  const conflictedPaths: string[] = [];
  while (i < parts.length && parts[i] !== '') conflictedPaths.push(parts[i++]!);
  i++; // the empty field between the file list and the messages
  const messages: MergeMessage[] = [];
  while (i < parts.length && parts[i] !== '') {
    const n = Number(parts[i++]);
    if (!Number.isInteger(n) || n < 0) break;
    const paths = parts.slice(i, i + n);
    i += n;
    const type = parts[i++] ?? '';
    const message = (parts[i++] ?? '').replace(/\n$/, '');
    messages.push({ paths, type, message });
  }
  return { tree, conflictedPaths, messages };
}

/** Writes a commit object; returns its id. The message is stored exactly as given. */
export async function writeCommit(
  repo: Repo,
  opts: { tree: string; parents: string[]; message: string; author: Person; committer: Person },
): Promise<string> {
  for (const p of [opts.author, opts.committer])
    if (/[<>\n]/.test(p.name) || /[<>\n]/.test(p.email))
      throw new Error(`identity ${p.name} <${p.email}> has '<', '>' or a newline`);
  if (
    repo.objectFormat === 'sha1' &&
    /^\d+ [+-]\d{4}$/.test(opts.author.date) &&
    /^\d+ [+-]\d{4}$/.test(opts.committer.date)
  ) {
    const lines = [`tree ${opts.tree}`, ...opts.parents.map((p) => `parent ${p}`)];
    lines.push(`author ${opts.author.name} <${opts.author.email}> ${opts.author.date}`);
    lines.push(`committer ${opts.committer.name} <${opts.committer.email}> ${opts.committer.date}`);
    const body = Buffer.from(`${lines.join('\n')}\n\n${opts.message}`, 'utf8');
    return writeLooseObject(repo.objectsDir, 'commit', body);
  }
  const args = ['commit-tree', opts.tree];
  for (const p of opts.parents) args.push('-p', p);
  args.push('-F', '-');
  const env = {
    GIT_AUTHOR_NAME: opts.author.name,
    GIT_AUTHOR_EMAIL: opts.author.email,
    GIT_AUTHOR_DATE: rawDate(opts.author.date),
    GIT_COMMITTER_NAME: opts.committer.name,
    GIT_COMMITTER_EMAIL: opts.committer.email,
    GIT_COMMITTER_DATE: rawDate(opts.committer.date),
  };
  return (await repo.text(args, { env, input: opts.message })).trim();
}

/** git reads `<seconds> <zone>` reliably only with an `@` in front. */
function rawDate(date: string): string {
  return /^\d+ [+-]\d{4}$/.test(date) ? `@${date}` : date;
}

/** The tree of a commit. */
export async function treeOf(repo: Repo, commit: string): Promise<string> {
  return (await repo.text(['rev-parse', '--verify', '--end-of-options', `${commit}^{tree}`])).trim();
}
