import { spawn } from 'node:child_process';

/**
 * The one place Ferry starts git. Arguments are always an array handed to the
 * process directly: no shell ever sees a value that came from a user.
 */

export interface GitRunOptions {
  /** Bytes written to git's standard input, then closed. */
  input?: string | Buffer;
  /** Milliseconds before git is killed; default 120 s. */
  timeoutMs?: number;
  /** Extra environment (author/committer identity, index file, ...). */
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (merge-tree exits 1 on conflict). */
  okExitCodes?: readonly number[];
  signal?: AbortSignal;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** git ran and failed; carries what git said so a caller can show it. */
export class GitError extends Error {
  override name = 'GitError';
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
    readonly cwd: string,
    message?: string,
  ) {
    super(message ?? `git ${args.slice(0, 3).join(' ')} failed (exit ${code}): ${firstLine(stderr)}`);
  }
}

export class GitTimeoutError extends GitError {
  override name = 'GitTimeoutError';
}

/** git is not installed or could not be started at all. */
export class GitSpawnError extends GitError {
  override name = 'GitSpawnError';
}

function firstLine(s: string): string {
  const line = s
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return line ?? '(no message)';
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Environment for every git process: stable output, never an interactive prompt. */
export function gitEnv(extra?: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LC_ALL: 'C',
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_PAGER: 'cat',
    GIT_EDITOR: 'true',
    ...extra,
  };
}

export function git(cwd: string, args: readonly string[], opts: GitRunOptions = {}): Promise<GitResult> {
  const ok = opts.okExitCodes ?? [0];
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn('git', args as string[], {
      cwd,
      env: gitEnv(opts.env),
      // no stdin pipe unless there is input: one pipe fewer to set up per process
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      signal: opts.signal,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new GitSpawnError(args, null, String(e.message), cwd, `could not run git: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) {
        reject(
          new GitTimeoutError(args, code, stderr, cwd, `git ${args[0]} timed out after ${timeoutMs} ms`),
        );
        return;
      }
      const exit = code ?? -1;
      if (!ok.includes(exit)) {
        reject(new GitError(args, exit, stderr, cwd));
        return;
      }
      resolve({ stdout: Buffer.concat(out), stderr, code: exit });
    });
    // A git that exits before reading all input (e.g. on a bad argument) closes the pipe.
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
  });
}

/** Runs git and returns its standard output as text, without the final newline. */
export async function gitText(cwd: string, args: readonly string[], opts?: GitRunOptions): Promise<string> {
  const r = await git(cwd, args, opts);
  return r.stdout.toString('utf8').replace(/\n$/, '');
}

/**
 * Runs `git <first> | git <second>` without a shell: the first process's output streams
 * into the second. Both must succeed; the second's output is returned.
 */
export function gitPipe(
  cwd: string,
  first: readonly string[],
  second: readonly string[],
  opts: { input?: string | Buffer; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<GitResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const env = gitEnv(opts.env);
    const a = spawn('git', first as string[], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const b = spawn('git', second as string[], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const errA: Buffer[] = [];
    const errB: Buffer[] = [];
    let codeA: number | null | undefined;
    let codeB: number | null | undefined;
    let failed = false;
    const timer = setTimeout(() => {
      failed = true;
      a.kill('SIGKILL');
      b.kill('SIGKILL');
      reject(
        new GitTimeoutError(
          first,
          null,
          '',
          cwd,
          `git ${first[0]} | git ${second[0]} timed out after ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      a.kill('SIGKILL');
      b.kill('SIGKILL');
      reject(e);
    };
    a.on('error', (e) =>
      fail(new GitSpawnError(first, null, e.message, cwd, `could not run git: ${e.message}`)),
    );
    b.on('error', (e) =>
      fail(new GitSpawnError(second, null, e.message, cwd, `could not run git: ${e.message}`)),
    );
    a.stdout.pipe(b.stdin);
    b.stdin.on('error', () => {});
    a.stdin.on('error', () => {});
    a.stderr.on('data', (d: Buffer) => errA.push(d));
    b.stderr.on('data', (d: Buffer) => errB.push(d));
    b.stdout.on('data', (d: Buffer) => out.push(d));
    const settle = () => {
      if (failed || codeA === undefined || codeB === undefined) return;
      clearTimeout(timer);
      if (codeA !== 0) return fail(new GitError(first, codeA, Buffer.concat(errA).toString('utf8'), cwd));
      if (codeB !== 0) return fail(new GitError(second, codeB, Buffer.concat(errB).toString('utf8'), cwd));
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(errB).toString('utf8'), code: 0 });
    };
    a.on('close', (c) => {
      codeA = c;
      settle();
    });
    b.on('close', (c) => {
      codeB = c;
      settle();
    });
    if (opts.input !== undefined) a.stdin.end(opts.input);
    else a.stdin.end();
  });
}
