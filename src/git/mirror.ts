import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { assertRemoteUrl, type RemoteAuth, remoteAccess } from './remote.js';
import { Repo } from './repo.js';
import { git } from './run.js';
import { assertPlainValue } from './validate.js';

/**
 * The service's mirrors: bare repositories Ferry owns, kept up to date with plain fetches
 * of explicit refspecs (never `--mirror`, whose push semantics would push every ref).
 */

/** Opens the bare repository at `dir`, creating an empty one first when it is not there. */
export async function ensureBareRepo(dir: string): Promise<Repo> {
  const abs = path.resolve(dir);
  if (!(await stat(path.join(abs, 'HEAD')).catch(() => null))) {
    await mkdir(abs, { recursive: true });
    await git(abs, ['init', '--quiet', '--bare']);
  }
  return Repo.open(abs);
}

export interface FetchOptions {
  auth?: RemoteAuth;
  timeoutMs?: number;
}

/**
 * Fetches `refspecs` from `url` into `repo`, forced (`+src:dst`): the mirror follows the
 * remote, whatever it did. Refspecs are Ferry's own (`refs/heads/*:refs/remotes/upstream/*`).
 */
export async function fetchRefs(
  repo: Repo,
  url: string,
  refspecs: string[],
  opts: FetchOptions = {},
): Promise<void> {
  assertRemoteUrl(url, 'repository url');
  for (const r of refspecs) assertPlainValue(r, 'refspec');
  const access = remoteAccess(opts.auth);
  await repo.run(
    [
      ...access.args,
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      '--end-of-options',
      url,
      ...refspecs.map((r) => `+${r}`),
    ],
    { env: access.env, timeoutMs: opts.timeoutMs ?? 600_000 },
  );
}
