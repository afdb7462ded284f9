import type { ChangedFile, ChangeFacts } from '../../src/policy/types.js';

/** A changed file for policy tests: modified unless said otherwise, lines as written. */
export function file(
  path: string,
  lines: { added?: string[]; removed?: string[] } = {},
  status: ChangedFile['status'] = 'M',
  oldPath: string | null = null,
): ChangedFile {
  return { status, path, oldPath, added: lines.added ?? [], removed: lines.removed ?? [], binary: false };
}

let counter = 0;

/** A commit for policy tests; the id is unique per call unless given. */
export function change(message: string, files: ChangedFile[], commit?: string): ChangeFacts {
  counter++;
  return { commit: commit ?? counter.toString(16).padStart(40, 'c'), message, files };
}
