import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BadInputError } from '../../git/errors.js';
import { EMPTY_CURSOR, type InboxCursor, parseInboxCursor } from './read-inbox.js';

/**
 * Where the CLI keeps inbox cursors until the store's cursor table is on main: one small JSON
 * file in the data directory, keyed by the inbox's absolute path. Written to a temporary file
 * and renamed, so a crash leaves the old cursor, never half a file.
 */
export const CURSOR_FILE = 'cve-inbox-cursors.json';

type CursorFile = Record<string, unknown>;

async function readCursorFile(file: string): Promise<CursorFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as CursorFile;
  } catch (e) {
    throw new BadInputError(
      file,
      `cursor file ${file} is not valid JSON (${(e as Error).message}); fix or remove it`,
    );
  }
}

export async function loadInboxCursor(dataDir: string, inboxDir: string): Promise<InboxCursor> {
  const file = path.join(dataDir, CURSOR_FILE);
  const entry = (await readCursorFile(file))[path.resolve(inboxDir)];
  return entry === undefined ? EMPTY_CURSOR : parseInboxCursor(entry, file);
}

export async function saveInboxCursor(dataDir: string, inboxDir: string, cursor: InboxCursor): Promise<void> {
  const file = path.join(dataDir, CURSOR_FILE);
  await mkdir(dataDir, { recursive: true });
  const all = await readCursorFile(file);
  all[path.resolve(inboxDir)] = cursor;
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`);
  await rename(tmp, file);
}
