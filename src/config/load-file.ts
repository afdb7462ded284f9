import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { type FerryConfig, ferryConfig } from './schema.js';

/**
 * A minimal ferry.yaml loader for `ferry check --config`, kept to one function so the
 * shared loader (src/config/load.ts, written separately) can replace it by changing one
 * import. Errors name the file and the line of the offending key.
 */

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

export async function loadConfigFile(file: string): Promise<FerryConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new ConfigFileError(file, `cannot read configuration '${file}' (${code}); pass --config FILE`);
  }
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
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  // The deepest node that exists: an unknown key's parent, or the value that is wrong.
  let line: number | null = null;
  for (let n = path.length; n >= 0 && line === null; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) line = lines.linePos(node.range[0]).line;
  }
  const where = path.length > 0 ? path.join('.') : '(top level)';
  const extra =
    parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
  throw new ConfigFileError(file, `${file}:${line ?? 1}: ${where}: ${issue.message}${extra}`);
}
