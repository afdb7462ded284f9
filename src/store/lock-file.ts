import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * One process owns an embedded data directory: two PGlite instances on one directory
 * silently lose writes. The owner writes its pid (and HTTP port, when serving) to a lock
 * file created exclusively; a lock whose pid is gone is taken over.
 */
export interface LockOwner {
  pid: number;
  /** The port `ferry serve` listens on, so that `ferry pause` can point at it. */
  port?: number;
  /**
   * With no admin token configured, `ferry serve` makes one for this run and keeps it here
   * (the file is readable by its owner only): whoever may read the data directory may
   * administer the service that owns it.
   */
  admin_token?: string;
  started: string;
}

export class StoreLockedError extends Error {
  override name = 'StoreLockedError';
  readonly exitCode = 3;
  constructor(
    readonly input: string,
    readonly owner: LockOwner,
  ) {
    const via = owner.port ? `; it serves http://127.0.0.1:${owner.port}/ (use --url to talk to it)` : '';
    super(`${input} is in use by ferry process ${owner.pid} since ${owner.started}${via}`);
  }
}

export interface DirLock {
  readonly file: string;
  /** Records the HTTP port (and a local admin token) once the server listens. */
  advertise(port: number, adminToken?: string): void;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return typeof v.pid === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

function writeOwner(fd: number, owner: LockOwner): void {
  writeSync(fd, `${JSON.stringify(owner)}\n`, 0);
}

/** Takes the lock on `dir` or throws StoreLockedError naming the owner. */
export function lockDataDir(dir: string): DirLock {
  const file = path.join(dir, 'ferry.lock');
  const owner: LockOwner = { pid: process.pid, started: new Date().toISOString() };
  for (let tries = 0; tries < 5; tries++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeOwner(fd, owner);
      closeSync(fd);
      return {
        file,
        advertise(port, adminToken) {
          owner.port = port;
          if (adminToken) owner.admin_token = adminToken;
          const fd2 = openSync(file, 'r+');
          writeOwner(fd2, owner);
          closeSync(fd2);
        },
        release() {
          if (readOwner(file)?.pid === process.pid) unlinkSync(file);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const current = readOwner(file);
    // A half-written lock (its owner died between create and write) reads as no owner.
    if (current && alive(current.pid)) throw new StoreLockedError(dir, current);
    // Rename is atomic: of two processes taking over the same stale lock, one wins; the
    // other finds the lock already replaced and looks again.
    const aside = `${file}.stale.${process.pid}`;
    try {
      renameSync(file, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    const moved = readOwner(aside);
    if (moved && current && moved.pid !== current.pid && alive(moved.pid)) {
      // We moved a live owner's fresh lock aside: put it back.
      try {
        linkSync(aside, file);
      } catch {}
    }
    unlinkSync(aside);
  }
  const current = readOwner(file);
  throw new StoreLockedError(dir, current ?? { pid: 0, started: 'unknown' });
}
