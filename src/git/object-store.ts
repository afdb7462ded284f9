import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { gitEnv } from './run.js';

/**
 * Objects without a process per object. Reading goes through one long-lived
 * `git cat-file --batch` per repository; small objects Ferry creates (commits) are written
 * as loose objects directly, exactly as git writes them, so a pick costs one git process
 * (the merge) rather than four.
 */

export interface RawObject {
  oid: string;
  type: string;
  content: Buffer;
}

export type Absent = { absent: 'missing' | 'ambiguous' | 'other' };

interface Pending {
  resolve: (o: RawObject | Absent) => void;
  reject: (e: Error) => void;
}

/** A `git cat-file --batch` kept open; requests are answered in order. */
export class ObjectReader {
  private child: ChildProcessWithoutNullStreams | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private queue: Pending[] = [];

  constructor(private readonly cwd: string) {}

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd: this.cwd,
      env: gitEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.drain();
    });
    child.stderr.resume();
    const fail = (e: Error) => {
      const q = this.queue;
      this.queue = [];
      this.child = null;
      this.buf = Buffer.alloc(0);
      for (const p of q) p.reject(e);
    };
    child.on('error', (e) => fail(new Error(`git cat-file --batch: ${e.message}`)));
    child.on('exit', (code) => {
      if (this.child === child) fail(new Error(`git cat-file --batch exited (${code})`));
    });
    child.stdin.on('error', () => {});
    this.child = child;
    this.idle();
    return child;
  }

  /** The reader never keeps the program alive while it waits for nothing. */
  private idle() {
    const c = this.child;
    if (!c) return;
    const busy = this.queue.length > 0;
    for (const s of [c.stdout, c.stderr, c.stdin] as unknown as { ref(): void; unref(): void }[])
      if (busy) s.ref();
      else s.unref();
    if (busy) c.ref();
    else c.unref();
  }

  private drain() {
    while (this.queue.length) {
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const header = this.buf.subarray(0, nl).toString('utf8');
      const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
      if (!m) {
        this.buf = this.buf.subarray(nl + 1);
        const absent = header.endsWith(' ambiguous')
          ? 'ambiguous'
          : header.endsWith(' missing')
            ? 'missing'
            : 'other';
        this.queue.shift()!.resolve({ absent });
        continue;
      }
      const size = Number(m[3]);
      if (this.buf.length < nl + 1 + size + 1) return;
      const content = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.queue.shift()!.resolve({ oid: m[1]!, type: m[2]!, content });
    }
    this.idle();
  }

  /** Reads `spec` (an id, `<rev>^{commit}`, `<tree>:<path>`); null when it does not exist. */
  async read(spec: string): Promise<RawObject | null> {
    const r = await this.lookup(spec);
    return 'absent' in r ? null : r;
  }

  /** Like `read`, but says why an object is absent (missing, or an ambiguous short id). */
  lookup(spec: string): Promise<RawObject | Absent> {
    if (spec.includes('\n')) return Promise.resolve({ absent: 'other' });
    const child = this.child ?? this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.idle();
      child.stdin.write(`${spec}\n`);
    });
  }

  close(): void {
    this.child?.stdin.end();
    this.child = null;
  }
}

/**
 * Writes a loose object the way git does: zlib-deflated `<type> <size>\0<content>` at
 * `objects/xx/yyyy…`, written under a temporary name and renamed into place, read-only.
 * The calls are synchronous on purpose: a commit object is a few hundred bytes, and four
 * quick system calls cost less than four trips through libuv's thread pool.
 * SHA-1 repositories only; callers fall back on git for others.
 */
export function writeLooseObject(objectsDir: string, type: string, content: Buffer): string {
  const header = Buffer.from(`${type} ${content.length}\0`);
  const full = Buffer.concat([header, content]);
  const oid = createHash('sha1').update(full).digest('hex');
  const dir = path.join(objectsDir, oid.slice(0, 2));
  const file = path.join(dir, oid.slice(2));
  if (existsSync(file)) return oid;
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `tmp_obj_ferry_${process.pid}_${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(tmp, deflateSync(full, { level: 1 }), { mode: 0o444 });
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  return oid;
}
