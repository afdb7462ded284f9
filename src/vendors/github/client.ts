import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import { readSecret } from '../../config/secret.js';
import { basicAuthHeader } from '../../git/remote.js';
import type { HttpFailure } from '../errors.js';
import { bindRecover, type ClientCallOptions, type RetryPolicy, retryAfterMs, withRetry } from '../retry.js';

/**
 * One authenticated GitHub REST client, shared by the GitHub tracker and forge. Auth is a token
 * or a GitHub App (installation tokens minted and refreshed by `@octokit/app`). Every call goes
 * through `call`, which applies Ferry's retry policy; octokit's own retry and throttling plugins
 * are deliberately not loaded, so there is one policy.
 */

export type GitHubAuth =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: number; privateKey: string; installationId?: number };

/** The `auth:` of a GitHub tracker or forge in ferry.yaml, secrets read from `env`. */
export function githubAuthFromConfig(
  auth:
    | { kind: 'token'; token_env: string }
    | { kind: 'app'; app_id: number; private_key_env: string; installation_id?: number | undefined },
  env: NodeJS.ProcessEnv,
  where: string,
): GitHubAuth {
  if (auth.kind === 'token')
    return { kind: 'token', token: readSecret(env, auth.token_env, `${where}.token_env`) };
  return {
    kind: 'app',
    appId: auth.app_id,
    privateKey: readSecret(env, auth.private_key_env, `${where}.private_key_env`),
    ...(auth.installation_id ? { installationId: auth.installation_id } : {}),
  };
}

export interface GitHubClientOptions {
  apiUrl: string;
  /** `owner/name`: the repository whose installation an App uses when no id is configured. */
  repo: string;
  auth: GitHubAuth;
  retry: RetryPolicy;
}

const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

export class GitHubClient {
  private rest: Promise<Octokit> | null = null;

  constructor(private readonly opts: GitHubClientOptions) {}

  get owner(): string {
    return this.opts.repo.split('/')[0]!;
  }

  /**
   * Runs one operation (possibly several requests) under the retry policy; a create passes
   * `recover` to find what an earlier try made instead of making it twice.
   */
  call<T>(
    operation: string,
    fn: (octokit: Octokit) => Promise<T>,
    options: ClientCallOptions<Octokit, T> = {},
  ): Promise<T> {
    return withRetry(
      'github',
      operation,
      this.opts.retry,
      classifyGitHubError,
      async () => fn(await this.octokit()),
      bindRecover(() => this.octokit(), options),
    );
  }

  /** The header for git over HTTPS: `x-access-token` and the token (PAT or installation token). */
  async gitHttpHeader(): Promise<string> {
    const octokit = await this.octokit();
    const auth = (await octokit.auth({ type: 'installation' })) as { token: string };
    return basicAuthHeader('x-access-token', auth.token);
  }

  private octokit(): Promise<Octokit> {
    if (!this.rest) {
      this.rest = this.connect();
      // A failed App lookup must not be cached: the next call tries again.
      this.rest.catch(() => {
        this.rest = null;
      });
    }
    return this.rest;
  }

  private async connect(): Promise<Octokit> {
    const { apiUrl, auth } = this.opts;
    if (auth.kind === 'token') return new Octokit({ baseUrl: apiUrl, auth: auth.token, log: quietLog });
    const app = new App({
      appId: auth.appId,
      privateKey: auth.privateKey,
      Octokit: Octokit.defaults({ baseUrl: apiUrl, log: quietLog }),
    });
    let installationId = auth.installationId;
    if (installationId === undefined) {
      const [owner, repo] = this.opts.repo.split('/') as [string, string];
      installationId = await withRetry(
        'github',
        'find the GitHub App installation',
        this.opts.retry,
        classifyGitHubError,
        async () => {
          const r = await app.octokit.request('GET /repos/{owner}/{repo}/installation', { owner, repo });
          return r.data.id;
        },
      );
    }
    return (await app.getInstallationOctokit(installationId)) as unknown as Octokit;
  }
}

interface OctokitErrorShape {
  status: number;
  message: string;
  response?: { headers?: Record<string, string>; data?: unknown };
  request?: unknown;
}

function isOctokitError(e: unknown): e is OctokitErrorShape {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as OctokitErrorShape).status === 'number' &&
    'request' in e
  );
}

/** GitHub's error body: `message`, and `errors` as strings or `{resource, field, code, message}`. */
function githubDetails(data: unknown): { message: string | null; details: string[] } {
  if (typeof data !== 'object' || data === null)
    return { message: typeof data === 'string' && data ? data : null, details: [] };
  const d = data as { message?: unknown; errors?: unknown };
  const details: string[] = [];
  if (Array.isArray(d.errors))
    for (const e of d.errors) {
      if (typeof e === 'string') details.push(e);
      else if (e && typeof e === 'object') {
        const x = e as Record<string, unknown>;
        if (typeof x.message === 'string') details.push(x.message);
        else details.push([x.resource, x.field, x.code].filter(Boolean).join(' '));
      }
    }
  return { message: typeof d.message === 'string' ? d.message : null, details };
}

export function classifyGitHubError(e: unknown): HttpFailure | null {
  if (!isOctokitError(e)) return null;
  if (!e.response) return { status: null, retryAfterMs: null, message: e.message, details: [] };
  const headers = e.response.headers ?? {};
  const { message, details } = githubDetails(e.response.data);
  const wait = retryAfterMs(headers);
  // GitHub answers a spent primary quota or a secondary rate limit with 403 (sometimes 429).
  const rateLimited =
    e.status === 403 &&
    (wait !== null || headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message ?? ''));
  return { status: e.status, retryAfterMs: wait, message: message ?? e.message, details, rateLimited };
}
