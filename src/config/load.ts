import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { type FerryConfig, ferryConfig } from './schema.js';

/**
 * Reading ferry.yaml: YAML, then the schema. Errors name the file and the line of the
 * offending key, so a person can go straight to it.
 */

/** A configuration that is missing, not YAML, or not a valid ferry.yaml: bad input (exit 2). */
export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
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

/**
 * Reads and validates a configuration file (`file` relative to `cwd`). With `optional`, a
 * missing file gives the empty configuration, for commands that can work without one.
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
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    if (code === 'ENOENT' && opts.optional)
      return { config: ferryConfig.parse({}), file: null, dir: path.dirname(abs) };
    throw new ConfigFileError(file, `cannot read configuration '${file}' (${code}); pass --config FILE`);
  }
  return { config: parseConfig(text, file), file: abs, dir: path.dirname(abs) };
}

/** Validates configuration text; `file` only names it in errors. */
export function parseConfig(text: string, file: string): FerryConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const at = lines.linePos(err.pos[0]);
    throw new ConfigFileError(file, `${file}:${at.line}: not valid YAML: ${err.message.split('\n')[0]}`);
  }
  const parsed = ferryConfig.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const keys = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) keys.push(issue.keys[0]);
  // The deepest node that exists: an unknown key's parent, or the value that is wrong.
  let line: number | null = null;
  for (let n = keys.length; n >= 0 && line === null; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    if (isNode(node) && node.range) line = lines.linePos(node.range[0]).line;
  }
  const where = keys.length > 0 ? keys.join('.') : '(top level)';
  const extra =
    parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
  throw new ConfigFileError(file, `${file}:${line ?? 1}: ${where}: ${issue.message}${extra}`);
}
