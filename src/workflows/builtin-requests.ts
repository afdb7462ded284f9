import { type Attempt, listAttempts } from '../store/attempts.js';
import { builtinRequestStore, type StoredComment, type StoredRequest } from '../store/builtin-issues.js';
import type { Store, Tx } from '../store/open.js';
import { listRequests } from '../store/requests.js';
import { TrackerInputError } from '../trackers/types.js';
import { enqueueBackport } from './backport-on-request.js';
import { BUILTIN_TRACKER, trackerNamed } from './runtime.js';

/**
 * Requests filed in Ferry itself (`ferry request add`, `POST /api/requests`): the built-in
 * tracker's issue is created, and a backport job is queued for it — the same job a tracker
 * webhook makes, so the rest of the flow is the same for every tracker.
 */

export interface NewBuiltinRequest {
  title?: string;
  body?: string;
  /** The stream, by its Fix Version (or name). */
  fixVersion: string;
  /** Commit hashes, one per entry (other lines are kept and reported back). */
  commits: string[];
  requestedBy?: string;
}

export interface FiledRequest {
  key: string;
  job: number;
}

export async function fileRequest(store: Store, input: NewBuiltinRequest): Promise<FiledRequest> {
  if (!input.fixVersion.trim())
    throw new TrackerInputError('', 'a request needs a Fix Version (the stream), e.g. --fix-version 9.6');
  if (input.commits.length === 0) throw new TrackerInputError('', 'a request needs at least one commit hash');
  const tracker = trackerNamed(BUILTIN_TRACKER, store);
  const issue = await tracker.createIssue({
    title:
      input.title?.trim() ||
      `Backport ${input.commits.map((c) => c.slice(0, 12)).join(' ')} to ${input.fixVersion}`,
    body: input.body ?? '',
    fixVersions: [input.fixVersion],
    commitHashLines: input.commits,
  });
  const jobId = await queueBuiltinBackport(store.db, issue.key, input.requestedBy ?? null);
  return { key: issue.key, job: jobId };
}

/**
 * The built-in tracker has no webhooks: whoever creates a request on it (`ferry request add`,
 * the API, CVE intake) queues the job a tracker's "created" webhook would have made, once per
 * request (the job's de-duplication key).
 */
export async function queueBuiltinBackport(db: Tx, key: string, actor: string | null): Promise<number> {
  const { jobId } = await enqueueBackport(
    db,
    { tracker: BUILTIN_TRACKER, issue: key, command: null, delivery_id: null, actor },
    `backport:builtin:${key}:created`,
  );
  return jobId;
}

export interface RequestView extends StoredRequest {
  comments: StoredComment[];
  attempts: Attempt[];
}

export async function listBuiltinRequests(store: Store, limit = 100): Promise<StoredRequest[]> {
  return builtinRequestStore(store.db).list({ limit });
}

export async function showBuiltinRequest(store: Store, key: string): Promise<RequestView> {
  const requests = builtinRequestStore(store.db);
  const k = key.trim().toUpperCase();
  const r = await requests.get(k);
  if (!r) throw new TrackerInputError(key, `request ${key} does not exist; 'ferry request list' shows them`);
  const comments = await requests.comments(k);
  const attempts: Attempt[] = [];
  for (const req of await listRequests(store.db, { tracker: BUILTIN_TRACKER, trackerKey: k }))
    attempts.push(...(await listAttempts(store.db, { requestId: req.id })));
  return { ...r, comments, attempts: attempts.sort((a, b) => a.id - b.id) };
}
