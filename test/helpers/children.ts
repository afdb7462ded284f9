import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { after } from 'node:test';

export const REPO = path.resolve(import.meta.dirname, '../..');

export interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when a line of stdout matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
after(() => {
  for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

/** Runs a TypeScript entry point of this repository (`src/cli/main.ts`, a test helper) as a real process. */
export function spawnTs(script: string, args: string[], env: Record<string, string> = {}, cwd = REPO): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.resolve(REPO, script), ...args], {
    cwd,
    env: { ...process.env, FERRY_LOG_LEVEL: process.env.FERRY_TEST_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  let out = '';
  let err = '';
  const watchers: { re: RegExp; resolve: (l: string) => void }[] = [];
  proc.stdout!.on('data', (d) => {
    out += d;
    for (const w of [...watchers]) {
      const line = out.split('\n').find((l) => w.re.test(l));
      if (line !== undefined) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  proc.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    }),
  );
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(re, timeoutMs = 60_000) {
      const line = out.split('\n').find((l) => re.test(l));
      if (line !== undefined) return Promise.resolve(line);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () =>
            reject(
              new Error(`no line matching ${re} within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`),
            ),
          timeoutMs,
        );
        watchers.push({
          re,
          resolve: (l) => {
            clearTimeout(t);
            resolve(l);
          },
        });
        exited.then(() => {
          clearTimeout(t);
          reject(new Error(`process exited before a line matching ${re}\nstdout: ${out}\nstderr: ${err}`));
        });
      });
    },
  };
}

/** Polls `check` until it returns a value other than undefined. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
