import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { BadInputError } from './errors.js';
import type { Repo } from './repo.js';
import { isFullOid } from './validate.js';

/**
 * Reading a public-inbox v2 archive straight from its git epochs. Each epoch `git/<N>.git` is a
 * bare repository whose linear history adds one message per commit, as the blob `m` at the root
 * of that commit's tree (a commit that removes a message has `d` instead; public-inbox-purge
 * rewrites the history and leaves the purged message's `m` empty). New mail is the
 * commits after the last one read, so a reader keeps that commit per epoch as its cursor.
 */

export interface InboxEpoch {
  epoch: number;
  /** The epoch's bare repository. */
  dir: string;
}

/** The epochs of a v2 inbox, oldest first. */
export async function listInboxEpochs(inboxDir: string): Promise<InboxEpoch[]> {
  let names: string[];
  try {
    names = await readdir(path.join(inboxDir, 'git'));
  } catch {
    throw new BadInputError(
      inboxDir,
      `'${inboxDir}' is not a public-inbox v2 archive (expected ${path.join(inboxDir, 'git', '0.git')})`,
    );
  }
  return names
    .map((n) => /^(\d+)\.git$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ epoch: Number(m[1]), dir: path.join(inboxDir, 'git', m[0]) }))
    .sort((a, b) => a.epoch - b.epoch);
}

export interface EpochMessage {
  /** The commit that added the message. */
  commit: string;
  /**
   * The message bytes; null for a commit that removed a message rather than adding one (`d`
   * instead of `m`) or that public-inbox-purge emptied.
   */
  message: Buffer | null;
}

export interface EpochRead {
  /** The epoch's newest commit (null for an epoch without commits). */
  head: string | null;
  /** Commits after `since`, oldest first, at most `limit` of them. */
  messages: EpochMessage[];
  /** The last commit read: the next read's `since`. */
  last: string | null;
  /**
   * `since` is not in the epoch's history any more (public-inbox-purge and -edit rewrite it):
   * the epoch was read from its start.
   */
  rewritten: boolean;
}

/**
 * The messages an epoch gained after commit `since` (null: from its first commit), read with
 * one `rev-list` and one `cat-file --batch`.
 */
export async function readEpochSince(
  repo: Repo,
  since: string | null,
  opts: { limit?: number } = {},
): Promise<EpochRead> {
  if (since !== null && !isFullOid(since))
    throw new BadInputError(since, `inbox cursor '${since}' is not a full commit id`);
  const head = await repo.refTarget('HEAD');
  if (head === null) return { head, messages: [], last: since, rewritten: false };
  if (since === head) return { head, messages: [], last: since, rewritten: false };
  let rewritten = false;
  let range = [head];
  if (since !== null) {
    const r = await repo.run(['merge-base', '--is-ancestor', since, head], { okExitCodes: [0, 1, 128] });
    if (r.code === 0) range = [`^${since}`, head];
    else rewritten = true;
  }
  const listed = (await repo.text(['rev-list', '--reverse', ...range, '--'])).split('\n').filter(Boolean);
  const commits = opts.limit !== undefined ? listed.slice(0, Math.max(0, opts.limit)) : listed;
  if (commits.length === 0) return { head, messages: [], last: since, rewritten };
  const out = (
    await repo.run(['cat-file', '--batch'], { input: `${commits.map((c) => `${c}:m`).join('\n')}\n` })
  ).stdout;
  const messages: EpochMessage[] = [];
  let pos = 0;
  for (const commit of commits) {
    const nl = out.indexOf(10, pos);
    const headerLine = out.subarray(pos, nl).toString('latin1');
    pos = nl + 1;
    const m = /^[0-9a-f]{40} blob (\d+)$/.exec(headerLine);
    if (!m) {
      // `<commit>:m missing`: this commit removed a message.
      messages.push({ commit, message: null });
      continue;
    }
    const size = Number(m[1]);
    messages.push({ commit, message: size === 0 ? null : Buffer.from(out.subarray(pos, pos + size)) });
    pos += size + 1;
  }
  return { head, messages, last: commits[commits.length - 1]!, rewritten };
}
