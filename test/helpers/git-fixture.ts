import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

/**
 * Real repositories for tests, built with the real git. Identities and dates are fixed so
 * commit ids are stable within a test; nothing depends on the machine's git config.
 */

let clock = 1_700_000_000;

export function fixtureEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Ada Author',
    GIT_AUTHOR_EMAIL: 'ada@example.org',
    GIT_COMMITTER_NAME: 'Cy Committer',
    GIT_COMMITTER_EMAIL: 'cy@example.org',
    LC_ALL: 'C',
    ...extra,
  };
}

export interface CommitOptions {
  author?: { name: string; email: string };
  /** Seconds since the epoch; default a clock that ticks one minute per commit. */
  date?: number;
  /** Files to delete in this commit. */
  remove?: string[];
  /** Renames done with `git mv` before the writes. */
  rename?: [string, string][];
  allowEmpty?: boolean;
}

export class FixtureRepo {
  constructor(readonly dir: string) {}

  git(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      env: fixtureEnv(opts.env),
      input: opts.input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    }).replace(/\n$/, '');
  }

  write(file: string, content: string): void {
    const p = path.join(this.dir, file);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }

  /** Writes `files`, stages everything and commits; returns the new commit id. */
  commit(message: string, files: Record<string, string> = {}, opts: CommitOptions = {}): string {
    for (const [from, to] of opts.rename ?? []) {
      mkdirSync(path.dirname(path.join(this.dir, to)), { recursive: true });
      this.git(['mv', from, to]);
    }
    for (const f of opts.remove ?? []) this.git(['rm', '-q', '--', f]);
    for (const [f, c] of Object.entries(files)) this.write(f, c);
    this.git(['add', '-A']);
    clock += 60;
    const date = `${opts.date ?? clock} +0000`;
    const env: Record<string, string> = { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
    if (opts.author) {
      env.GIT_AUTHOR_NAME = opts.author.name;
      env.GIT_AUTHOR_EMAIL = opts.author.email;
    }
    const args = ['commit', '-q', '--no-verify', '-F', '-'];
    if (opts.allowEmpty) args.push('--allow-empty');
    this.git(args, { input: message, env });
    return this.head();
  }

  head(): string {
    return this.git(['rev-parse', 'HEAD']);
  }

  rev(r: string): string {
    return this.git(['rev-parse', '--verify', `${r}^{commit}`]);
  }

  checkout(branch: string, create?: { from: string }): void {
    if (create) this.git(['checkout', '-q', '-b', branch, create.from]);
    else this.git(['checkout', '-q', branch]);
  }

  /** `git cherry-pick -x` in the work tree, as a human would. Returns the new commit. */
  cherryPick(commit: string, extra: string[] = []): string {
    clock += 60;
    const date = `${clock} +0000`;
    this.git(['cherry-pick', '-x', ...extra, commit], { env: { GIT_COMMITTER_DATE: date } });
    return this.head();
  }

  tree(rev: string): string {
    return this.git(['rev-parse', `${rev}^{tree}`]);
  }

  show(rev: string, file: string): string {
    return this.git(['show', `${rev}:${file}`]);
  }

  message(rev: string): string {
    return this.git(['log', '-1', '--format=%B', rev]);
  }
}

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the test file ends. */
export function tempDir(prefix = 'ferry-test-'): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** A new repository with `main` checked out (bare: a mirror-like repository). */
export function createRepo(opts: { bare?: boolean; dir?: string } = {}): FixtureRepo {
  const dir = opts.dir ?? tempDir();
  const args = ['init', '-q', '-b', 'main'];
  if (opts.bare) args.push('--bare');
  execFileSync('git', [...args, dir], { env: fixtureEnv() });
  return new FixtureRepo(dir);
}

/** A bare clone of `repo` with every branch, as the service's mirrors are. */
export function bareClone(repo: FixtureRepo): FixtureRepo {
  const dir = tempDir('ferry-mirror-');
  execFileSync('git', ['clone', '-q', '--mirror', repo.dir, dir], { env: fixtureEnv() });
  return new FixtureRepo(dir);
}
