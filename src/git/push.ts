import { BadInputError, BadRefNameError } from './errors.js';
import { assertRemoteUrl, type RemoteAuth, readRemoteRef, remoteAccess } from './remote.js';
import type { Repo } from './repo.js';
import { GitError } from './run.js';
import { assertPlainValue, isFullOid } from './validate.js';

/**
 * Pushes one commit from a repository (a bare mirror: no work tree is involved) to a ref on a
 * remote. Idempotent: when the remote ref already points at the commit, nothing is pushed.
 */

export interface PushOptions {
  /**
   * Compare-and-swap on the remote: replace the ref only if it points at this commit now;
   * `null`: only if the ref does not exist. Omitted: create the ref or fast-forward it.
   */
  expectOld?: string | null;
  /**
   * Allow a non-fast-forward update. Without `expectOld`, the lease is what the remote showed
   * just before the push, so a concurrent writer is still never overwritten unseen.
   */
  force?: boolean;
  auth?: RemoteAuth;
}

export type PushStatus = 'created' | 'fast-forward' | 'forced' | 'up-to-date';

export interface PushResult {
  ref: string;
  oid: string;
  /** What the remote ref pointed at before (null: it did not exist). */
  previous: string | null;
  status: PushStatus;
}

/** The remote refused the update: not a fast-forward, a lease that no longer holds, a hook. */
export class PushRejectedError extends Error {
  override name = 'PushRejectedError';
  constructor(
    readonly ref: string,
    /** git's or the remote's reason: `non-fast-forward`, `stale info`, `fetch first`, a hook's words. */
    readonly reason: string,
    /** What the remote ref pointed at when we looked (null: absent). */
    readonly remoteOid: string | null,
  ) {
    super(`push to ${ref} was rejected: ${reason}`);
  }
}

function assertRefName(ref: string): void {
  assertPlainValue(ref, 'ref');
  // Same rules as git check-ref-format, for a full name under refs/.
  const bad =
    !ref.startsWith('refs/') ||
    ref.endsWith('/') ||
    ref.endsWith('.') ||
    ref.endsWith('.lock') ||
    ref.includes('..') ||
    ref.includes('//') ||
    ref.includes('@{') ||
    /[\s~^:?*[\\]/.test(ref) ||
    ref.split('/').some((c) => c.startsWith('.') || c.length === 0);
  if (bad)
    throw new BadRefNameError(ref, `ref '${ref}' is not a valid full ref name (refs/heads/<branch>, ...)`);
}

function leaseArg(ref: string, expected: string | null): string {
  return `--force-with-lease=${ref}:${expected ?? ''}`;
}

interface PorcelainLine {
  flag: string;
  summary: string;
}

/** Finds git's porcelain status line for `ref`: `<flag>\t<from>:<to>\t<summary>`. */
function porcelainFor(stdout: string, ref: string): PorcelainLine | null {
  for (const line of stdout.split('\n')) {
    const parts = line.split('\t');
    if (parts.length < 3) continue;
    const [flag = '', spec = '', summary = ''] = parts;
    if (spec.endsWith(`:${ref}`)) return { flag, summary };
  }
  return null;
}

/** The reason inside `[rejected] (stale info)` or `[remote rejected] (hook declined)`. */
function reasonOf(summary: string): string {
  const m = /\((.*)\)\s*$/.exec(summary);
  return m ? m[1]! : summary.trim();
}

export async function pushCommit(
  repo: Repo,
  remote: string,
  oid: string,
  ref: string,
  opts: PushOptions = {},
): Promise<PushResult> {
  assertRemoteUrl(remote);
  if (!isFullOid(oid)) throw new BadInputError(oid, `commit '${oid}' must be a full 40-hex commit id`);
  if (opts.expectOld != null && !isFullOid(opts.expectOld))
    throw new BadInputError(
      opts.expectOld,
      `expected old value '${opts.expectOld}' must be a full commit id`,
    );
  assertRefName(ref);
  await repo.resolveCommit(oid, 'commit to push');

  const previous = await readRemoteRef(repo, remote, ref, opts.auth);
  if (previous === oid) return { ref, oid, previous, status: 'up-to-date' };

  const access = remoteAccess(opts.auth);
  const args = [...access.args, 'push', '--porcelain', '--no-verify'];
  // A lease permits a non-fast-forward update, but only over the value named.
  if (opts.expectOld !== undefined) args.push(leaseArg(ref, opts.expectOld));
  else if (opts.force) args.push(leaseArg(ref, previous));
  args.push('--end-of-options', remote, `${oid}:${ref}`);

  const r = await repo.run(args, { env: access.env, okExitCodes: [0, 1] });
  const stdout = r.stdout.toString('utf8');
  const line = porcelainFor(stdout, ref);
  if (line === null) throw new GitError(args, r.code, r.stderr, repo.dir);
  switch (line.flag) {
    case '*':
      return { ref, oid, previous: null, status: 'created' };
    case ' ':
      return { ref, oid, previous, status: 'fast-forward' };
    case '+':
      return { ref, oid, previous, status: 'forced' };
    case '=':
      return { ref, oid, previous: oid, status: 'up-to-date' };
    default:
      throw new PushRejectedError(ref, reasonOf(line.summary), previous);
  }
}

/**
 * Deletes a ref on the remote if it still points at `expectOld` (the compare-and-swap makes a
 * cleanup safe against someone who pushed to the branch since). Absent already: nothing to do.
 */
export async function deleteRemoteRef(
  repo: Repo,
  remote: string,
  ref: string,
  expectOld: string,
  auth?: RemoteAuth,
): Promise<'deleted' | 'absent'> {
  assertRemoteUrl(remote);
  assertRefName(ref);
  if (!isFullOid(expectOld))
    throw new BadInputError(expectOld, `expected old value '${expectOld}' must be a full commit id`);
  const current = await readRemoteRef(repo, remote, ref, auth);
  if (current === null) return 'absent';
  const access = remoteAccess(auth);
  const args = [
    ...access.args,
    'push',
    '--porcelain',
    '--no-verify',
    leaseArg(ref, expectOld),
    '--end-of-options',
    remote,
    `:${ref}`,
  ];
  const r = await repo.run(args, { env: access.env, okExitCodes: [0, 1] });
  const line = porcelainFor(r.stdout.toString('utf8'), ref);
  if (line === null) throw new GitError(args, r.code, r.stderr, repo.dir);
  if (line.flag === '-') return 'deleted';
  throw new PushRejectedError(ref, reasonOf(line.summary), current);
}
