import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AmbiguousRevisionError, BadRefNameError, BadRevisionError, NotARepositoryError } from './errors.js';
import { ObjectReader } from './object-store.js';
import { GitError, type GitResult, type GitRunOptions, git, gitText } from './run.js';
import { assertPlainValue, assertRevisionSyntax, HEX_ABBREV } from './validate.js';

/**
 * A repository Ferry works on: a normal clone or a bare mirror. Every value that a user
 * gave is checked here before git sees it, and every revision is resolved to a full
 * commit id once, so nothing later works on a name that could change under it.
 */
export class Repo {
  private reader: ObjectReader | null = null;

  private constructor(
    /** Where git runs (the work tree's top, or the bare repository itself). */
    readonly dir: string,
    /** Absolute path of the git directory (`.git`, or the bare repository). */
    readonly gitDir: string,
    readonly bare: boolean,
    /** Where objects are written (honours GIT_OBJECT_DIRECTORY and linked work trees). */
    readonly objectsDir: string,
    /** `sha1` or `sha256`. */
    readonly objectFormat: string,
  ) {}

  /** The repository's long-lived object reader (one `cat-file --batch`). */
  get objects(): ObjectReader {
    this.reader ??= new ObjectReader(this.dir);
    return this.reader;
  }

  /** Ends the object reader; the repository stays usable (a new one starts on demand). */
  close(): void {
    this.reader?.close();
    this.reader = null;
  }

  static async open(dir: string): Promise<Repo> {
    const abs = path.resolve(dir);
    const st = await stat(abs).catch(() => null);
    if (!st?.isDirectory())
      throw new NotARepositoryError(dir, `repository '${dir}' does not exist or is not a directory`);
    let out: string;
    try {
      out = await gitText(
        abs,
        [
          'rev-parse',
          '--absolute-git-dir',
          '--is-bare-repository',
          '--git-path',
          'objects',
          '--show-object-format',
        ],
        { timeoutMs: 10_000 },
      );
    } catch (e) {
      if (e instanceof GitError)
        throw new NotARepositoryError(
          dir,
          `'${dir}' is not a git repository (expected a clone or a bare mirror)`,
        );
      throw e;
    }
    const [gitDir = '', bareFlag, objects = 'objects', format = 'sha1'] = out.split('\n');
    const bare = bareFlag === 'true';
    let top = gitDir;
    if (!bare) top = await gitText(abs, ['rev-parse', '--show-toplevel']).catch(() => abs);
    return new Repo(top || abs, gitDir, bare, path.resolve(abs, objects), format.trim() || 'sha1');
  }

  run(args: readonly string[], opts?: GitRunOptions): Promise<GitResult> {
    return git(this.dir, args, opts);
  }

  text(args: readonly string[], opts?: GitRunOptions): Promise<string> {
    return gitText(this.dir, args, opts);
  }

  /**
   * Resolves revisions to full commit ids with one git process. Throws on the first
   * revision that is unknown, ambiguous or not a commit, naming it.
   */
  async resolveCommits(revs: readonly string[], what = 'revision'): Promise<string[]> {
    for (const r of revs) assertRevisionSyntax(r, what);
    const found = await Promise.all(
      revs.map(async (r) => {
        const o = await this.objects.lookup(`${r}^{commit}`);
        // `<abbrev>^{commit}` reads as missing when the abbreviation is ambiguous: ask again plainly.
        if ('absent' in o && HEX_ABBREV.test(r)) {
          const plain = await this.objects.lookup(r);
          if ('absent' in plain && plain.absent === 'ambiguous') return plain;
        }
        return o;
      }),
    );
    return revs.map((rev, i) => {
      const o = found[i]!;
      if ('absent' in o && o.absent === 'ambiguous')
        throw new AmbiguousRevisionError(
          rev,
          `${what} '${rev}' is ambiguous in ${this.dir}; give more hex digits`,
        );
      if ('absent' in o || o.type !== 'commit')
        throw new BadRevisionError(rev, `${what} '${rev}' is not a commit in ${this.dir}`);
      return o.oid;
    });
  }

  async resolveCommit(rev: string, what = 'revision'): Promise<string> {
    const [oid] = await this.resolveCommits([rev], what);
    return oid!;
  }

  /** The full ref name of a local branch if it exists (`refs/heads/<name>`), else null. */
  async branchRef(name: string): Promise<string | null> {
    const ref = `refs/heads/${name}`;
    const r = await this.run(['show-ref', '--verify', '--quiet', ref], { okExitCodes: [0, 1] });
    return r.code === 0 ? ref : null;
  }

  /**
   * Finds the ref a user means by a branch name: a local branch, else a remote-tracking
   * branch (`origin/stable/x` or a unique `*\/stable/x`). Null when there is none.
   */
  async findBranch(name: string): Promise<string | null> {
    assertPlainValue(name, 'branch');
    const candidates = [`refs/heads/${name}`, `refs/remotes/${name}`];
    const r = await this.run(['for-each-ref', '--format=%(refname)', 'refs/heads/', 'refs/remotes/']);
    const refs = r.stdout.toString('utf8').split('\n').filter(Boolean);
    for (const c of candidates) if (refs.includes(c)) return c;
    const remote = refs.filter((ref) => ref.startsWith('refs/remotes/') && ref.endsWith(`/${name}`));
    const exact = remote.filter((ref) => ref.split('/').slice(3).join('/') === name);
    return exact.length === 1 ? exact[0]! : null;
  }

  /** Validates a branch name the way git does, without touching any ref. */
  async assertBranchName(name: string, what = 'branch name'): Promise<string> {
    assertPlainValue(name, what);
    const r = await this.run(['check-ref-format', '--branch', name], { okExitCodes: [0, 1, 128] });
    if (r.code !== 0 || r.stdout.toString('utf8').trim() !== name)
      throw new BadRefNameError(
        name,
        `${what} '${name}' is not a valid git branch name (see git check-ref-format)`,
      );
    return name;
  }

  /**
   * Moves `ref` to `newOid` only if it still points at `oldOid` (null: must not exist).
   * A compare-and-swap, so two writers never overwrite each other silently.
   */
  async updateRef(ref: string, newOid: string, oldOid: string | null, reason: string): Promise<void> {
    const old = oldOid ?? '0'.repeat(40);
    await this.run(['update-ref', '-m', reason, '--end-of-options', ref, newOid, old]);
  }

  /** The commit a full ref points at, or null. */
  async refTarget(ref: string): Promise<string | null> {
    const r = await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
      okExitCodes: [0, 1],
    });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
  }

  /** The ref checked out in this repository's work tree, if any. */
  async headRef(): Promise<string | null> {
    const r = await this.run(['symbolic-ref', '--quiet', 'HEAD'], { okExitCodes: [0, 1] });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
  }

  /**
   * The branch fixes land on: what `origin/HEAD` points at, else `main`, else `master`
   * (local or on origin). Null when none of these exists.
   */
  async defaultBranch(): Promise<string | null> {
    const r = await this.run(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'], {
      okExitCodes: [0, 1, 128],
    });
    if (r.code === 0) return r.stdout.toString('utf8').trim();
    for (const name of ['main', 'master']) {
      const ref = await this.findBranch(name);
      if (ref) return ref;
    }
    return null;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const r = await this.run(['merge-base', '--is-ancestor', ancestor, descendant], { okExitCodes: [0, 1] });
    return r.code === 0;
  }

  async mergeBase(a: string, b: string): Promise<string | null> {
    const r = await this.run(['merge-base', a, b], { okExitCodes: [0, 1] });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
  }
}
