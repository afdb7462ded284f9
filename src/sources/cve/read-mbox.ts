import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { BadInputError } from '../../git/errors.js';
import { splitMbox } from '../mail/mbox.js';
import type { RawMessage } from '../mail/raw-message.js';

/** Announcements from files: one mbox file, or every `*.mbox` under a directory. */

export async function readMboxFile(file: string): Promise<RawMessage[]> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (e) {
    throw unreadable(file, e);
  }
  return splitFile(file, data);
}

/**
 * Every `.mbox` file under `dir` (subdirectories too, hidden ones skipped), in path order.
 * Small files are read synchronously in batches, yielding to the event loop between batches:
 * one async read per file costs several thread-pool round trips, which made reading the
 * 955-record data set 5-10 times slower than the parsing of it.
 */
export async function readMboxDirectory(dir: string): Promise<RawMessage[]> {
  const files = await listMboxFiles(dir);
  const out: RawMessage[] = [];
  for (let i = 0; i < files.length; i += BATCH) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const file of files.slice(i, i + BATCH)) out.push(...splitFile(file, readSync(file)));
  }
  return out;
}

const BATCH = 64;

function readSync(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw unreadable(file, e);
  }
}

function unreadable(file: string, e: unknown): BadInputError {
  return new BadInputError(
    file,
    `cannot read mbox file '${file}': ${(e as NodeJS.ErrnoException).code ?? e}`,
  );
}

function splitFile(file: string, data: Buffer): RawMessage[] {
  return splitMbox(data).map((raw, index) => ({ raw, origin: { source: file, index } }));
}

async function listMboxFiles(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new BadInputError(dir, `cannot read directory '${dir}': ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listMboxFiles(p)));
    else if (e.isFile() && e.name.endsWith('.mbox')) out.push(p);
  }
  return out.sort();
}

/** Files and directories as a user names them on a command line, in the order given. */
export async function readMboxPaths(paths: readonly string[]): Promise<RawMessage[]> {
  const out: RawMessage[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    if (!st)
      throw new BadInputError(
        p,
        `'${p}' does not exist; expected an mbox file or a directory of .mbox files`,
      );
    out.push(...(st.isDirectory() ? await readMboxDirectory(p) : await readMboxFile(p)));
  }
  return out;
}
