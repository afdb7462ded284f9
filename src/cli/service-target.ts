import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import type { FerryConfig } from '../config/schema.js';
import type { OpenOptions } from '../store/open.js';
import type { CliIO, ParsedArgs } from './command.js';
import { stringOpt, UsageError } from './command.js';

/**
 * The configuration the service commands run with: `--config FILE` (which must exist), else
 * `ferry.yaml` in the current directory when there is one, else the built-in defaults.
 */
export async function serviceConfig(
  io: CliIO,
  args: ParsedArgs,
): Promise<{ config: FerryConfig; file?: string; dir: string }> {
  const given = stringOpt(args.values.config);
  const file = path.resolve(io.cwd, given ?? 'ferry.yaml');
  if (given === undefined && !existsSync(file)) {
    const { defaultConfig } = await import('../config/load.js');
    return { config: defaultConfig(), dir: io.cwd };
  }
  return { config: loadConfig(file).config, file, dir: path.dirname(file) };
}

/** PostgreSQL when DATABASE_URL is set, else the embedded store in `--data` (default `.ferry`). */
export function storeOptions(io: CliIO, args: ParsedArgs): OpenOptions {
  const url = io.env.DATABASE_URL;
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new UsageError(
        `DATABASE_URL: expected postgres://user@host:port/database, got '${url.split('@').pop()}'`,
      );
    }
    return { databaseUrl: url };
  }
  return { dataDir: path.resolve(io.cwd, stringOpt(args.values.data) ?? io.env.FERRY_DATA ?? '.ferry') };
}

/** Where the service keeps its own files (mirrors), with either store: `--data`, $FERRY_DATA, `.ferry`. */
export function workDirOf(io: CliIO, args: ParsedArgs): string {
  return path.resolve(io.cwd, stringOpt(args.values.data) ?? io.env.FERRY_DATA ?? '.ferry');
}

export function intOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = stringOpt(args.values[name]);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name}: expected a whole number from ${min} to ${max}, got '${v}'`);
  }
  return n;
}
