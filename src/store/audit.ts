import { desc } from 'drizzle-orm';
import type { Tx } from './open.js';
import { auditEvents } from './schema.js';

export type AuditEvent = typeof auditEvents.$inferSelect;

/** Records who did what (pause, resume, retry, a policy exception). */
export async function recordAudit(
  db: Tx,
  e: { actor: string; action: string; subject?: string; detail?: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditEvents).values({
    actor: e.actor,
    action: e.action,
    subject: e.subject ?? null,
    detail: e.detail ?? {},
  });
}

export async function listAudit(db: Tx, limit = 100): Promise<AuditEvent[]> {
  return db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(limit);
}
