import type { ParseArgsConfig } from 'node:util';

/**
 * One `ferry` subcommand. Commands are loaded lazily by name so that `ferry <cmd> --help`
 * starts without importing the engine, the store or any SDK.
 */
export interface Command {
  name: string;
  /** One line for `ferry --help`. */
  summary: string;
  /** The whole `--help` text (usage, options, exit codes, examples). */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Whether positionals are accepted. */
  allowPositionals?: boolean;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Colour and other terminal niceties are on only when stdout is a TTY. */
  isTTY: boolean;
  /** Progress lines for long work; silent unless stderr is a TTY or FERRY_PROGRESS=1. */
  progress(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Exit statuses, the same for every command. */
export const EXIT = {
  ok: 0,
  /** The answer is "no": a conflict, a refusal, something missing. */
  negative: 1,
  /** Bad usage or bad input; nothing was written. */
  usage: 2,
  /** Ferry or something it depends on failed (git, the database, a network service). */
  failure: 3,
} as const;

/** A usage mistake the user can fix by changing the command line. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = EXIT.usage;
}

export function stringList(v: ParsedArgs['values'][string]): string[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.map(String);
  return [String(v)];
}

export function stringOpt(v: ParsedArgs['values'][string]): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return String(v);
}
