import type { RemoteAuth } from '../git/remote.js';

/**
 * Credentials go only to HTTP(S) remotes: a local path, ssh or git:// never gets the header
 * (and the token is not even fetched for them).
 */
export async function remoteAuthFor(
  remote: string,
  header: () => Promise<string | null>,
): Promise<RemoteAuth | undefined> {
  if (!/^https?:\/\//i.test(remote)) return undefined;
  const h = await header();
  return h ? { httpHeader: h } : undefined;
}
