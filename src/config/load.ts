import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type FerryConfig, ferryConfig } from './schema.js';

/** A configuration file that is missing, not YAML, or not a valid ferry.yaml: bad input (exit 2). */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly exitCode = 2;
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}

export interface LoadedConfig {
  config: FerryConfig;
  /** The file read (absolute), or null for the built-in empty configuration. */
  file: string | null;
  /** Relative paths in the configuration are relative to this directory. */
  dir: string;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`)
    .join('; ');
}

/**
 * Reads and validates ferry.yaml. With `optional`, a missing file gives the empty configuration
 * (so commands that can work without one still do).
 */
export async function loadConfig(
  file: string,
  opts: { optional?: boolean; cwd?: string } = {},
): Promise<LoadedConfig> {
  const abs = path.resolve(opts.cwd ?? process.cwd(), file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && opts.optional)
      return { config: ferryConfig.parse({}), file: null, dir: path.dirname(abs) };
    throw new ConfigError(file, `cannot read configuration '${file}' (${code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (e) {
    throw new ConfigError(
      file,
      `configuration '${file}' is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  const parsed = ferryConfig.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(file, `configuration '${file}' is invalid: ${describeIssues(parsed.error)}`);
  return { config: parsed.data, file: abs, dir: path.dirname(abs) };
}
