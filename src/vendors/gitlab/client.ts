import { createRequesterFn } from '@gitbeaker/requester-utils';
import { Gitlab } from '@gitbeaker/rest';
import { basicAuthHeader } from '../../git/remote.js';
import type { HttpFailure } from '../errors.js';
import { bindRecover, type ClientCallOptions, type RetryPolicy, retryAfterMs, withRetry } from '../retry.js';

/**
 * One authenticated GitLab REST client (`@gitbeaker/rest`), shared by the GitLab tracker and
 * forge. gitbeaker's stock requester retries 429 and 502 on its own (ten times, without reading
 * Retry-After); Ferry replaces it with a requester that sends each request once, so that the
 * one retry policy (`withRetry`) decides, as for every other vendor.
 */

export type GitLabApi = InstanceType<typeof Gitlab>;

export interface GitLabClientOptions {
  url: string;
  token: string;
  retry: RetryPolicy;
}

/** A non-2xx answer from GitLab, as the single-shot requester reports it. */
export class GitLabHttpError extends Error {
  override name = 'GitLabHttpError';
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: unknown,
  ) {
    super(`GitLab answered HTTP ${status}`);
  }
}

interface RequesterOptions {
  prefixUrl?: string;
  searchParams?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  signal?: AbortSignal;
  asStream?: boolean;
}

async function readBody(res: Response): Promise<unknown> {
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (type === 'application/json') {
    const text = await res.text();
    return text ? JSON.parse(text) : {};
  }
  if (type.startsWith('text/')) return res.text();
  return res.blob();
}

/** Sends one request and returns gitbeaker's response shape; never retries. */
async function sendOnce(endpoint: string, options: RequesterOptions) {
  const base = (options.prefixUrl ?? '').endsWith('/') ? options.prefixUrl! : `${options.prefixUrl ?? ''}/`;
  const url = new URL(endpoint, base);
  url.search = options.searchParams ?? '';
  const res = await fetch(url, {
    method: options.method,
    headers: options.headers,
    body: options.body,
    signal: options.signal,
  });
  const headers = Object.fromEntries(res.headers.entries());
  if (!res.ok) {
    let body: unknown = await res.text();
    try {
      body = JSON.parse(body as string);
    } catch {
      // a plain-text or HTML error page: keep the text
    }
    throw new GitLabHttpError(res.status, headers, body);
  }
  const body = res.status === 204 ? null : options.asStream ? res.body : await readBody(res);
  return { body, headers, status: res.status };
}

const singleShotRequester = createRequesterFn(
  (_service: unknown, options: unknown) => Promise.resolve(options as RequesterOptions),
  // biome-ignore lint/suspicious/noExplicitAny: gitbeaker's handler type is internal to its requester
  sendOnce as any,
);

export class GitLabClient {
  readonly api: GitLabApi;

  constructor(private readonly opts: GitLabClientOptions) {
    this.api = new Gitlab({ host: opts.url, token: opts.token, requesterFn: singleShotRequester });
  }

  /** Runs one operation under the retry policy; a create passes `recover` (see `withRetry`). */
  call<T>(
    operation: string,
    fn: (api: GitLabApi) => Promise<T>,
    options: ClientCallOptions<GitLabApi, T> = {},
  ): Promise<T> {
    return withRetry(
      'gitlab',
      operation,
      this.opts.retry,
      classifyGitLabError,
      () => fn(this.api),
      bindRecover(() => this.api, options),
    );
  }

  /** git over HTTPS with a token: user `oauth2` and the token, as GitLab documents. */
  gitHttpHeader(): string {
    return basicAuthHeader('oauth2', this.opts.token);
  }
}

/**
 * GitLab's error bodies: `{"message": "404 Not found"}`, `{"message": {"title": ["can't be blank"]}}`,
 * `{"message": ["Another open merge request already exists ..."]}`, or `{"error": "title is missing"}`.
 */
function gitlabDetails(body: unknown): { message: string; details: string[] } {
  if (typeof body === 'string') return { message: body.slice(0, 500), details: [] };
  if (typeof body !== 'object' || body === null) return { message: '', details: [] };
  const b = body as { message?: unknown; error?: unknown; error_description?: unknown };
  const m = b.message ?? b.error;
  if (typeof m === 'string')
    return { message: m, details: typeof b.error_description === 'string' ? [b.error_description] : [] };
  if (Array.isArray(m)) return { message: m.map(String).join('; '), details: m.map(String) };
  if (m && typeof m === 'object') {
    const details = Object.entries(m as Record<string, unknown>).flatMap(([field, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => `${field} ${String(x)}`),
    );
    return { message: details.join('; '), details };
  }
  return { message: '', details: [] };
}

export function classifyGitLabError(e: unknown): HttpFailure | null {
  if (e instanceof GitLabHttpError) {
    const { message, details } = gitlabDetails(e.body);
    return {
      status: e.status,
      retryAfterMs: retryAfterMs(e.headers),
      message: message || `HTTP ${e.status}`,
      details,
    };
  }
  // fetch rejects with a TypeError when no answer came (refused, reset, DNS).
  if (e instanceof TypeError && /fetch failed/i.test(e.message)) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    return { status: null, retryAfterMs: null, message: cause ?? e.message, details: [] };
  }
  return null;
}
