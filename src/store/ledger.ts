import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { Tx } from './open.js';
import { type LedgerState, ledger } from './schema.js';

export type LedgerEntry = typeof ledger.$inferSelect;

export interface LedgerUpdate {
  repository?: string;
  change: string;
  branch: string;
  state: LedgerState;
  via: string;
  evidence?: string;
  attemptId?: number;
}

/** Sets where a change stands on a branch, replacing what was known before. */
export async function upsertLedger(db: Tx, e: LedgerUpdate): Promise<void> {
  const values = {
    repository: e.repository ?? '',
    change: e.change,
    branch: e.branch,
    state: e.state,
    via: e.via,
    evidence: e.evidence ?? null,
    attemptId: e.attemptId ?? null,
  };
  await db
    .insert(ledger)
    .values(values)
    .onConflictDoUpdate({
      target: [ledger.repository, ledger.change, ledger.branch],
      set: {
        state: values.state,
        via: values.via,
        evidence: values.evidence,
        attemptId: values.attemptId,
        updatedAt: sql`now()`,
      },
    });
}

export interface LedgerFilter {
  repository?: string;
  change?: string;
  branch?: string;
  state?: LedgerState;
  limit?: number;
}

export async function listLedger(db: Tx, f: LedgerFilter = {}): Promise<LedgerEntry[]> {
  const where: SQL[] = [];
  if (f.repository !== undefined) where.push(eq(ledger.repository, f.repository));
  if (f.change) where.push(eq(ledger.change, f.change));
  if (f.branch) where.push(eq(ledger.branch, f.branch));
  if (f.state) where.push(eq(ledger.state, f.state));
  return db
    .select()
    .from(ledger)
    .where(and(...where))
    .orderBy(asc(ledger.repository), asc(ledger.change), asc(ledger.branch))
    .limit(f.limit ?? 1000);
}
