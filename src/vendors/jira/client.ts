import { Version3Client } from 'jira.js/version3';
import type { HttpFailure } from '../errors.js';
import { bindRecover, type ClientCallOptions, type RetryPolicy, retryAfterMs, withRetry } from '../retry.js';

/**
 * One authenticated Jira REST v3 client (`jira.js` 5; version 6 needs Node 22). jira.js itself
 * does not retry; every call goes through `call` and the one retry policy.
 */

export type JiraAuth = { kind: 'basic'; email: string; token: string } | { kind: 'bearer'; token: string };

export interface JiraClientOptions {
  url: string;
  auth: JiraAuth;
  retry: RetryPolicy;
}

export class JiraClient {
  readonly api: Version3Client;

  constructor(private readonly opts: JiraClientOptions) {
    // A bearer token (Data Center PAT, OAuth access token) goes in jira.js's oauth2 slot.
    this.api =
      opts.auth.kind === 'basic'
        ? new Version3Client({
            host: opts.url,
            authentication: { basic: { email: opts.auth.email, apiToken: opts.auth.token } },
          })
        : new Version3Client({
            host: opts.url,
            authentication: { oauth2: { accessToken: opts.auth.token } },
          });
  }

  get url(): string {
    return this.opts.url;
  }

  /** Runs one operation under the retry policy; a create passes `recover` (see `withRetry`). */
  call<T>(
    operation: string,
    fn: (api: Version3Client) => Promise<T>,
    options: ClientCallOptions<Version3Client, T> = {},
  ): Promise<T> {
    return withRetry(
      'jira',
      operation,
      this.opts.retry,
      classifyJiraError,
      () => fn(this.api),
      bindRecover(() => this.api, options),
    );
  }
}

interface AxiosLike {
  isAxiosError?: boolean;
  message?: string;
  response?: { status: number; headers?: Record<string, unknown>; data?: unknown };
}

/** Jira's error body: `{"errorMessages": [...], "errors": {"field": "message"}}`. */
function jiraDetails(data: unknown): { message: string; details: string[] } {
  if (typeof data === 'string') return { message: data.slice(0, 500), details: [] };
  if (typeof data !== 'object' || data === null) return { message: '', details: [] };
  const d = data as { errorMessages?: unknown; errors?: unknown; message?: unknown };
  const messages = Array.isArray(d.errorMessages) ? d.errorMessages.map(String) : [];
  const fields =
    d.errors && typeof d.errors === 'object'
      ? Object.entries(d.errors as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`)
      : [];
  const message =
    messages.join('; ') || fields.join('; ') || (typeof d.message === 'string' ? d.message : '');
  return { message, details: messages.length ? fields : [] };
}

export function classifyJiraError(e: unknown): HttpFailure | null {
  if (typeof e !== 'object' || e === null) return null;
  // jira.js wraps an answered request in an HttpException whose cause is axios's error.
  const cause = (e as { cause?: AxiosLike }).cause;
  const axios: AxiosLike | undefined = cause?.isAxiosError
    ? cause
    : (e as AxiosLike).isAxiosError
      ? (e as AxiosLike)
      : undefined;
  if (!axios) return null;
  if (!axios.response)
    return { status: null, retryAfterMs: null, message: axios.message ?? 'no answer', details: [] };
  const { message, details } = jiraDetails(axios.response.data);
  return {
    status: axios.response.status,
    retryAfterMs: retryAfterMs(axios.response.headers as Record<string, string>),
    message: message || `HTTP ${axios.response.status}`,
    details,
  };
}
