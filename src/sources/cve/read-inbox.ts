import { BadInputError } from '../../git/errors.js';
import { listInboxEpochs, readEpochSince } from '../../git/public-inbox.js';
import { Repo } from '../../git/repo.js';
import { isFullOid } from '../../git/validate.js';
import type { RawMessage } from '../mail/raw-message.js';

/**
 * Announcements from a public-inbox v2 archive (the linux-cve-announce mirror), read
 * incrementally: the cursor says, per epoch, the last commit already read, and a read returns
 * only the messages after it together with the cursor to store for next time. Where the
 * cursor is stored is the caller's business.
 */
export interface InboxCursor {
  /** Epoch number (as a string key, JSON-friendly) → last commit read in it. */
  epochs: Record<string, string>;
}

export interface InboxRead {
  messages: RawMessage[];
  cursor: InboxCursor;
  /** Commits that removed a message (public-inbox-learn, -purge): skipped. */
  removed: number;
  /** Epochs whose history was rewritten under the cursor, and so were read from their start. */
  rewritten: number[];
}

export const EMPTY_CURSOR: InboxCursor = { epochs: {} };

/** Checks a cursor that came from storage; a damaged one is bad input, not a reason to re-read. */
export function parseInboxCursor(value: unknown, where: string): InboxCursor {
  const epochs = (value as InboxCursor | null)?.epochs;
  if (typeof epochs !== 'object' || epochs === null || Array.isArray(epochs))
    throw new BadInputError(where, `inbox cursor in ${where} is not {"epochs": {"<epoch>": "<commit>"}}`);
  for (const [k, v] of Object.entries(epochs))
    if (!/^\d+$/.test(k) || typeof v !== 'string' || !isFullOid(v))
      throw new BadInputError(
        where,
        `inbox cursor in ${where}: epoch '${k}' → '${String(v)}' is not a commit id`,
      );
  return { epochs: { ...epochs } };
}

export async function readInbox(
  inboxDir: string,
  opts: { cursor?: InboxCursor; limit?: number } = {},
): Promise<InboxRead> {
  const cursor: InboxCursor = { epochs: { ...(opts.cursor ?? EMPTY_CURSOR).epochs } };
  const messages: RawMessage[] = [];
  const rewritten: number[] = [];
  let removed = 0;
  let budget = opts.limit ?? Number.POSITIVE_INFINITY;
  for (const { epoch, dir } of await listInboxEpochs(inboxDir)) {
    if (budget <= 0) break;
    const repo = await Repo.open(dir);
    const read = await readEpochSince(repo, cursor.epochs[String(epoch)] ?? null, {
      limit: Number.isFinite(budget) ? budget : undefined,
    });
    if (read.rewritten) rewritten.push(epoch);
    for (const m of read.messages) {
      budget--;
      if (m.message === null) {
        removed++;
        continue;
      }
      messages.push({
        raw: m.message,
        origin: { source: inboxDir, index: messages.length, epoch, commit: m.commit },
      });
    }
    if (read.last !== null) cursor.epochs[String(epoch)] = read.last;
  }
  return { messages, cursor, removed, rewritten };
}
