import type { Repo } from './repo.js';

/** A commit as Ferry reads it: identity, tree, parents, both people, the whole message. */
export interface Commit {
  oid: string;
  tree: string;
  parents: string[];
  author: Person;
  committer: Person;
  message: string;
}

export interface Person {
  name: string;
  email: string;
  /** git's raw date: seconds since the epoch and the zone, `1700000000 +0100`. */
  date: string;
}

export function subjectOf(message: string): string {
  const para = message.split(/\n\s*\n/, 1)[0] ?? '';
  return para.replace(/\s*\n\s*/g, ' ').trim();
}

function parsePerson(line: string): Person {
  const m = /^(.*?) <(.*)> (\d+ [+-]\d{4})$/.exec(line);
  if (!m) return { name: line, email: '', date: '0 +0000' };
  return { name: m[1]!, email: m[2]!, date: m[3]! };
}

/** Parses a raw commit object as `cat-file commit` prints it. */
export function parseCommitObject(oid: string, raw: string): Commit {
  const end = raw.indexOf('\n\n');
  const head = end === -1 ? raw : raw.slice(0, end);
  const message = end === -1 ? '' : raw.slice(end + 2);
  let tree = '';
  const parents: string[] = [];
  let author: Person = { name: '', email: '', date: '0 +0000' };
  let committer = author;
  for (const line of head.split('\n')) {
    if (line.startsWith(' ')) continue; // continuation of a multi-line header (gpgsig, mergetag)
    const sp = line.indexOf(' ');
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === 'tree') tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = parsePerson(value);
    else if (key === 'committer') committer = parsePerson(value);
  }
  return { oid, tree, parents, author, committer, message };
}

/** Reads the given commits through the repository's `cat-file --batch`, in the order given. */
export async function readCommits(repo: Repo, oids: readonly string[]): Promise<Commit[]> {
  return Promise.all(
    oids.map(async (oid) => {
      const o = await repo.objects.read(oid);
      if (!o) throw new Error(`commit ${oid} is not in ${repo.dir}`);
      if (o.type !== 'commit') throw new Error(`${oid} is a ${o.type}, not a commit`);
      return parseCommitObject(o.oid, o.content.toString('utf8'));
    }),
  );
}

/**
 * Commit ids `git rev-list <args>` selects (revisions may also come through stdin).
 */
export async function listCommits(
  repo: Repo,
  args: readonly string[],
  opts: { stdinRevs?: readonly string[] } = {},
): Promise<string[]> {
  const out = opts.stdinRevs
    ? await repo.run(['rev-list', ...args, '--stdin', '--'], { input: `${opts.stdinRevs.join('\n')}\n` })
    : await repo.run(['rev-list', ...args, '--']);
  return out.stdout.toString('utf8').split('\n').filter(Boolean);
}

const LOG_FIELDS = ['%H', '%T', '%P', '%an', '%ae', '%ad', '%cn', '%ce', '%cd', '%B'];

/**
 * Reads the commits `git log <args>` selects, with one process. `args` are revision and
 * limiting arguments that the caller has already validated (full ids, verified refs).
 */
export async function logCommits(
  repo: Repo,
  args: readonly string[],
  opts: { stdinRevs?: readonly string[] } = {},
): Promise<Commit[]> {
  const base = ['log', '-z', '--date=raw', `--format=${LOG_FIELDS.join('%x00')}`, ...args];
  // Many revisions go through stdin (`--stdin`), one per line, rather than the command line.
  const out = opts.stdinRevs
    ? await repo.run([...base, '--stdin', '--'], { input: `${opts.stdinRevs.join('\n')}\n` })
    : await repo.run([...base, '--']);
  const text = out.stdout.toString('utf8');
  if (text.length === 0) return [];
  const parts = text.split('\0');
  const n = LOG_FIELDS.length;
  const commits: Commit[] = [];
  for (let i = 0; i + n <= parts.length; i += n) {
    const f = parts.slice(i, i + n);
    commits.push({
      oid: f[0]!,
      tree: f[1]!,
      parents: f[2] ? f[2].split(' ') : [],
      author: { name: f[3]!, email: f[4]!, date: f[5]! },
      committer: { name: f[6]!, email: f[7]!, date: f[8]! },
      message: f[9]!,
    });
  }
  return commits;
}
