import { BadInputError } from './errors.js';
import type { Repo } from './repo.js';
import { assertPlainValue } from './validate.js';

/**
 * Talking to a remote repository from a bare mirror: which remote addresses are accepted, and
 * how a credential reaches git without ever being on a command line or in a log.
 */

/** The environment variable through which an HTTP header reaches git (see `remoteAccess`). */
const HEADER_ENV = 'FERRY_GIT_HTTP_HEADER';

/** How Ferry authenticates to a remote over HTTP(S); nothing for local paths, ssh or git://. */
export interface RemoteAuth {
  /** A whole header line, e.g. `Authorization: Basic …`. Held in memory, never printed. */
  httpHeader?: string;
}

const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/;

/**
 * Accepts an absolute path, `file://`, `http(s)://`, `ssh://`, `git://` or `user@host:path`.
 * Refuses option look-alikes, git's `<transport>::` helpers (`ext::` runs commands), relative
 * paths (they would depend on where the service runs) and URLs that carry a password: secrets
 * come from the environment, never from a URL that could end up in a log.
 */
export function assertRemoteUrl(remote: string, what = 'remote'): string {
  assertPlainValue(remote, what);
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(remote))
    throw new BadInputError(
      remote,
      `${what} '${remote}' uses a transport helper (<name>::); give a URL or a path`,
    );
  if (remote.startsWith('/')) return remote;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(remote)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (SCP_LIKE.test(remote)) return remote;
    throw new BadInputError(
      remote,
      `${what} '${remote}' is not a URL (https://, ssh://, git://, file://), user@host:path, or an absolute path`,
    );
  }
  if (!['https', 'http', 'ssh', 'git', 'file'].includes(scheme))
    throw new BadInputError(remote, `${what} '${remote}' uses the unsupported scheme '${scheme}'`);
  if (scheme === 'file') return remote;
  let url: URL;
  try {
    url = new URL(remote);
  } catch {
    throw new BadInputError(remote, `${what} '${remote}' is not a valid URL`);
  }
  if (url.password !== '')
    throw new BadInputError(
      `${url.protocol}//${url.host}${url.pathname}`,
      `${what} for ${url.host} has a password in its URL; name an environment variable for the token instead`,
    );
  return remote;
}

/**
 * The arguments and environment for one git process that talks to a remote. The header travels
 * as `--config-env=http.extraHeader=<VAR>`: git reads the value from that variable of the child's
 * environment, so it appears neither in the argument list (visible in `ps`) nor in any message.
 * Redirects are not followed, so the header is only ever sent to the host that was named.
 */
export function remoteAccess(auth: RemoteAuth | undefined): { args: string[]; env: Record<string, string> } {
  const args = ['-c', 'http.followRedirects=false'];
  const env: Record<string, string> = {};
  if (auth?.httpHeader) {
    if (/[\r\n]/.test(auth.httpHeader))
      throw new BadInputError('(header)', 'an HTTP header for git must be one line');
    args.unshift(`--config-env=http.extraHeader=${HEADER_ENV}`);
    env[HEADER_ENV] = auth.httpHeader;
  }
  return { args, env };
}

/** `Authorization: Basic` for a user name and a token, the form GitHub, GitLab and Gerrit accept for git over HTTPS. */
export function basicAuthHeader(user: string, token: string): string {
  return `Authorization: Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
}

/** What a full ref name on the remote points at, or null when the remote has no such ref. */
export async function readRemoteRef(
  repo: Repo,
  remote: string,
  ref: string,
  auth?: RemoteAuth,
): Promise<string | null> {
  assertRemoteUrl(remote);
  assertPlainValue(ref, 'ref');
  const access = remoteAccess(auth);
  const out = await repo.text([...access.args, 'ls-remote', '--end-of-options', remote, ref], {
    env: access.env,
  });
  for (const line of out.split('\n')) {
    const [oid, name] = line.split('\t');
    if (name === ref && oid) return oid;
  }
  return null;
}
