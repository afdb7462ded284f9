import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from './open.js';
import { effects } from './schema.js';

/**
 * Side effects of a job, each under an idempotency key (`push:<branch>`, `mr:<branch>`,
 * `comment:<marker>`), so that a job run again after a crash repeats nothing it already did.
 *
 * An effect outside the database (a push, an MR) can succeed and the process die before it
 * is recorded. For those, `find` looks the effect up in the outside world first (the MR for
 * the bot branch, the comment with the marker); only when it is not there does `run` do it.
 * An effect inside the database is exactly-once without a lookup: `inTransaction` records
 * it in the same transaction.
 */
export interface Effects {
  readonly scope: string;
  /** Does the effect unless it is recorded, or `find` shows it happened; returns its result. */
  once<T>(key: string, run: () => Promise<T>, o?: { find?: () => Promise<T | undefined> }): Promise<T>;
  /** A database effect and its record, committed together. */
  inTransaction<T>(key: string, run: (tx: Tx) => Promise<T>): Promise<T>;
  /** The result recorded under `key`, if the effect is done. */
  get<T>(key: string): Promise<{ result: T } | undefined>;
}

export function effectsFor(db: Db, scope: string, jobId?: number): Effects {
  const lookup = async (tx: Tx, key: string) => {
    const [row] = await tx
      .select({ result: effects.result })
      .from(effects)
      .where(and(eq(effects.scope, scope), eq(effects.key, key)));
    return row;
  };
  const record = (tx: Tx, key: string, result: unknown) =>
    tx
      .insert(effects)
      .values({ scope, key, result: (result ?? null) as never, jobId: jobId ?? null })
      .onConflictDoNothing();
  return {
    scope,
    async get<T>(key: string) {
      const row = await lookup(db, key);
      return row ? { result: row.result as T } : undefined;
    },
    async once<T>(key: string, run: () => Promise<T>, o: { find?: () => Promise<T | undefined> } = {}) {
      const done = await lookup(db, key);
      if (done) return done.result as T;
      const found = o.find ? await o.find() : undefined;
      const result = found !== undefined ? found : await run();
      await record(db, key, result);
      return result;
    },
    async inTransaction<T>(key: string, run: (tx: Tx) => Promise<T>) {
      return db.transaction(async (tx) => {
        // Taken first, so a second worker doing the same effect waits here and then skips it.
        const inserted = await tx
          .insert(effects)
          .values({ scope, key, jobId: jobId ?? null })
          .onConflictDoNothing()
          .returning({ key: effects.key });
        if (inserted.length === 0) return (await lookup(tx, key))!.result as T;
        const result = await run(tx);
        await tx
          .update(effects)
          .set({ result: (result ?? null) as never })
          .where(and(eq(effects.scope, scope), eq(effects.key, key)));
        return result;
      });
    },
  };
}
