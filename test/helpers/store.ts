import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import pg from 'pg';
import { MIGRATIONS_DIR, openStore, type Store } from '../../src/store/open.js';

/**
 * Test databases start from a template made once per set of migrations: a migrated PGlite
 * data directory copied per test (opening a copy takes a fraction of a fresh initdb), and on
 * PostgreSQL a template database cloned with CREATE DATABASE ... TEMPLATE.
 */

export type Backend = 'pglite' | 'postgres';

/**
 * Cleanups run once after the whole test file: `after()` called from inside a hook would
 * run at the end of that hook, so databases and directories are registered here instead.
 */
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const f of cleanups.reverse()) await f();
});

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export function backends(): Backend[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

function migrationsHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(MIGRATIONS_DIR)
    .filter((n) => n.endsWith('.sql'))
    .sort()) {
    h.update(f).update(readFileSync(path.join(MIGRATIONS_DIR, f)));
  }
  return h.digest('hex').slice(0, 12);
}

async function sleep(ms: number) {
  await new Promise((r) => setTimeout(r, ms));
}

/** A migrated PGlite data directory, shared by every test file of this run. */
async function pgliteTemplate(): Promise<string> {
  const root = path.join(tmpdir(), 'ferry-test-templates');
  mkdirSync(root, { recursive: true });
  const final = path.join(root, `pglite-${migrationsHash()}`);
  const lock = `${final}.building`;
  for (;;) {
    if (existsSync(final)) return final;
    try {
      mkdirSync(lock);
    } catch {
      await sleep(100);
      continue;
    }
    try {
      const build = mkdtempSync(path.join(root, 'build-'));
      const store = await openStore({ dataDir: build });
      await store.close();
      renameSync(build, final);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Copies the template into a new directory: a migrated embedded store's data dir. */
export async function pgliteDataDir(): Promise<string> {
  const template = await pgliteTemplate();
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-test-data-'));
  cpSync(template, dir, { recursive: true });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

let counter = 0;

/** A new PostgreSQL database cloned from the migrated template; dropped after the test file. */
export async function postgresUrl(): Promise<string> {
  const base = process.env.DATABASE_URL!;
  const prefix = new URL(base).pathname.slice(1);
  const template = `${prefix}_tmpl_${migrationsHash()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(42424242)');
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rowCount === 0) {
        await admin.query(`CREATE DATABASE "${template}"`);
        const store = await openStore({ databaseUrl: withDatabase(base, template) });
        await store.close();
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock(42424242)');
    }
    const name = `${prefix}_t_${process.pid}_${counter++}`;
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    });
    return withDatabase(base, name);
  } finally {
    await admin.end();
  }
}

export interface TestDatabase {
  backend: Backend;
  /** How to open it: `{ dataDir }` or `{ databaseUrl }`. */
  open: { dataDir?: string; databaseUrl?: string };
  /** Environment for a child process using it (DATABASE_URL, or FERRY_DATA and an empty DATABASE_URL). */
  env: Record<string, string>;
}

/** A fresh database of `backend`, not opened. */
export async function testDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'postgres') {
    const url = await postgresUrl();
    return { backend, open: { databaseUrl: url }, env: { DATABASE_URL: url } };
  }
  const dir = await pgliteDataDir();
  // An empty DATABASE_URL hides the one a PostgreSQL run sets, so the child uses PGlite.
  return { backend, open: { dataDir: dir }, env: { FERRY_DATA: dir, DATABASE_URL: '' } };
}

/** A fresh, opened store of `backend`, closed after the test file. */
export async function testStore(backend: Backend, o: { poolSize?: number } = {}): Promise<Store> {
  const db = await testDatabase(backend);
  const store = await openStore({ ...db.open, poolSize: o.poolSize });
  cleanups.push(() => store.close());
  return store;
}

/**
 * One store for the tests of a `describe` (opening a store costs about a second on PGlite):
 * call inside `describe`, use the returned getter inside tests. Tests sharing it keep apart
 * by their own keys (job kinds, tracker keys).
 */
export function sharedStore(backend: Backend): () => Store {
  let store: Store | undefined;
  before(async () => {
    store = await testStore(backend);
  });
  return () => store!;
}
