import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type FerryConfig, ferryConfig } from './schema.js';

/** One problem in the configuration, located in the file. */
export interface ConfigProblem {
  /** Dotted path in the document (`streams.1.branch`); empty for the document itself. */
  path: string;
  /** 1-based; 0 when the problem has no place in the file. */
  line: number;
  column: number;
  message: string;
}

/** The file is missing, is not YAML, or does not match the schema. Lists every problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly exitCode = 2;
  constructor(
    readonly input: string,
    readonly problems: ConfigProblem[],
  ) {
    // One problem is one line (as every bad-input error is); several are listed under a count.
    super(
      problems.length === 1
        ? formatProblem(input, problems[0]!)
        : `${input}: ${problems.length} problems\n${problems.map((p) => `  ${formatProblem(input, p)}`).join('\n')}`,
    );
  }
}

export function formatProblem(file: string, p: ConfigProblem): string {
  const where = p.line ? `${file}:${p.line}:${p.column}` : file;
  return `${where}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** The configuration Ferry runs with when there is no file at all. */
export function defaultConfig(): FerryConfig {
  return ferryConfig.parse({});
}

/**
 * Parses and validates `text` (the contents of `file`). Every YAML error and every schema
 * problem is reported together, each with its path and its line:column in the file.
 */
export function parseConfig(text: string, file: string): FerryConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return { line: 0, column: 0 };
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: '', ...at(e.pos[0]), message: e.message.split('\n')[0]! })),
    );
  }
  const raw = doc.toJS() ?? {};
  const result = ferryConfig.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(
    file,
    result.error.issues.map((issue) => locate(doc, issue, at)),
  );
}

export interface LoadedConfig {
  config: FerryConfig;
  /** The file read (absolute), or null for the built-in configuration. */
  file: string | null;
  /** Relative paths in the configuration are relative to this directory. */
  dir: string;
}

/**
 * Reads and validates a configuration file (`file` relative to `cwd`). With `optional`, a
 * missing file gives the built-in configuration, for commands that work without one.
 */
export function loadConfig(file: string, opts: { optional?: boolean; cwd?: string } = {}): LoadedConfig {
  const abs = path.resolve(opts.cwd ?? process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && opts.optional)
      return { config: defaultConfig(), file: null, dir: path.dirname(abs) };
    const why = `cannot read configuration (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (e as Error).message}); pass --config FILE`;
    throw new ConfigError(file, [{ path: '', line: 0, column: 0, message: why }]);
  }
  return { config: parseConfig(text, file), file: abs, dir: path.dirname(abs) };
}

/**
 * Finds the node an issue is about. A missing key has no node of its own, so the nearest
 * existing ancestor (the mapping that lacks it) is where the problem is reported.
 */
function locate(
  doc: ReturnType<typeof parseDocument>,
  issue: z.core.$ZodIssue,
  at: (offset: number | undefined) => { line: number; column: number },
): ConfigProblem {
  const path = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
  // An unknown key is reported at the key itself, not at the mapping holding it.
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (!isNode(node)) continue;
    let offset = node.range?.[0];
    if (keys.length > 0 && n === path.length && 'items' in node && Array.isArray(node.items)) {
      const pair = (node.items as { key?: { value?: unknown; range?: [number, number, number] } }[]).find(
        (p) => p.key && keys.includes(String(p.key.value)),
      );
      offset = pair?.key?.range?.[0] ?? offset;
    }
    return { path: path.join('.'), ...at(offset), message: describe(issue) };
  }
  return { path: path.join('.'), line: 0, column: 0, message: describe(issue) };
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
    return `required (${issue.expected})`;
  }
  return issue.message;
}
