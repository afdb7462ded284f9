import type { CliIO } from '../../src/cli/command.js';

/** A CliIO that keeps what a command printed, for assertions. */
export function captureIO(cwd = process.cwd()): CliIO & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    progress: () => {},
    isTTY: false,
    cwd,
    env: process.env,
    stdout: () => out,
    stderr: () => err,
  };
}
