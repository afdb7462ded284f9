import type { HttpFailure } from '../errors.js';
import { type RetryPolicy, retryAfterMs, withRetry } from '../retry.js';

/**
 * Gerrit's REST API over fetch (there is no SDK to lean on). Authenticated calls go under `/a/`
 * with HTTP basic auth (the account's HTTP password). Every JSON answer starts with the `)]}'`
 * line that guards against cross-site script inclusion; it is removed before parsing. Errors
 * come back as plain text ("Not found: ...", "change is abandoned").
 */

export interface GerritClientOptions {
  url: string;
  auth?: { username: string; password: string };
  retry: RetryPolicy;
}

export class GerritHttpError extends Error {
  override name = 'GerritHttpError';
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly text: string,
  ) {
    super(`Gerrit answered HTTP ${status}`);
  }
}

const XSSI = ")]}'";

export function parseGerritJson(text: string): unknown {
  const body = text.startsWith(XSSI) ? text.slice(XSSI.length) : text;
  return JSON.parse(body);
}

export class GerritClient {
  constructor(private readonly opts: GerritClientOptions) {}

  get url(): string {
    return this.opts.url;
  }

  call<T>(operation: string, fn: (client: GerritClient) => Promise<T>): Promise<T> {
    return withRetry('gerrit', operation, this.opts.retry, classifyGerritError, () => fn(this));
  }

  /** One request; `path` starts at the REST root, e.g. `/changes/?q=...`. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json; charset=UTF-8';
    const auth = this.opts.auth;
    if (auth)
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    const res = await fetch(`${this.opts.url}${auth ? '/a' : ''}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new GerritHttpError(res.status, res.headers, text);
    if (res.status === 204 || text.trim() === '') return undefined as T;
    return parseGerritJson(text) as T;
  }

  /** git over HTTPS with the same HTTP credentials. */
  gitHttpHeader(): string | null {
    const auth = this.opts.auth;
    return auth
      ? `Authorization: Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
      : null;
  }
}

export function classifyGerritError(e: unknown): HttpFailure | null {
  if (e instanceof GerritHttpError)
    return {
      status: e.status,
      retryAfterMs: retryAfterMs(e.headers),
      message: e.text.trim().slice(0, 500),
      details: [],
    };
  if (e instanceof TypeError && /fetch failed/i.test(e.message)) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    return { status: null, retryAfterMs: null, message: cause ?? e.message, details: [] };
  }
  return null;
}
