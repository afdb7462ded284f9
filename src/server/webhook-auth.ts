import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readSecret } from '../config/secret.js';
import type { WebhookSources } from '../config/server.js';
import type { Headers, WebhookSourceName } from '../workflows/events.js';

/** The secrets of one configured source, read from the environment at start. */
export interface SourceSecrets {
  /** Key of HMAC-SHA256 signatures over the raw body. */
  hmac?: string;
  /** A shared token sent back verbatim. */
  token?: string;
}

export function resolveWebhookSecrets(
  sources: WebhookSources,
  env: NodeJS.ProcessEnv,
): Map<WebhookSourceName, SourceSecrets> {
  const m = new Map<WebhookSourceName, SourceSecrets>();
  const at = (s: string, k: string) => `server.webhooks.${s}.${k}`;
  if (sources.github)
    m.set('github', { hmac: readSecret(env, sources.github.secret_env, at('github', 'secret_env')) });
  if (sources.gitlab)
    m.set('gitlab', { token: readSecret(env, sources.gitlab.token_env, at('gitlab', 'token_env')) });
  if (sources.jira) {
    m.set('jira', {
      hmac: sources.jira.secret_env
        ? readSecret(env, sources.jira.secret_env, at('jira', 'secret_env'))
        : undefined,
      token: sources.jira.token_env
        ? readSecret(env, sources.jira.token_env, at('jira', 'token_env'))
        : undefined,
    });
  }
  if (sources.gerrit)
    m.set('gerrit', { token: readSecret(env, sources.gerrit.token_env, at('gerrit', 'token_env')) });
  return m;
}

/** Equal strings in time that does not depend on where they differ (or on the secret's length). */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

/** `sha256=<hex>` over the raw body, as GitHub and Jira Cloud send it. */
export function hmacSignature(secret: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function signatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(hmacSignature(secret, body));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Whether a delivery comes from the configured sender. */
export function authenticate(
  source: WebhookSourceName,
  secrets: SourceSecrets,
  headers: Headers,
  body: Buffer,
  url: URL,
): boolean {
  const token = headers['x-ferry-token'] ?? url.searchParams.get('token') ?? undefined;
  switch (source) {
    case 'github':
      return signatureMatches(secrets.hmac!, body, headers['x-hub-signature-256']);
    case 'gitlab':
      return (
        headers['x-gitlab-token'] !== undefined &&
        constantTimeEqual(headers['x-gitlab-token'], secrets.token!)
      );
    case 'jira':
      if (secrets.hmac && headers['x-hub-signature'] !== undefined) {
        return signatureMatches(secrets.hmac, body, headers['x-hub-signature']);
      }
      return secrets.token !== undefined && token !== undefined && constantTimeEqual(token, secrets.token);
    case 'gerrit':
      return token !== undefined && constantTimeEqual(token, secrets.token!);
  }
}

const DELIVERY_ID_HEADERS: Record<WebhookSourceName, string[]> = {
  github: ['x-github-delivery'],
  gitlab: ['idempotency-key', 'x-gitlab-event-uuid'],
  jira: ['x-atlassian-webhook-identifier'],
  gerrit: [],
};

/** The sender's id for the delivery, or (when it sends none) a hash of the body: a byte-identical replay is the same delivery. */
export function deliveryKey(source: WebhookSourceName, headers: Headers, body: Buffer): string {
  for (const h of DELIVERY_ID_HEADERS[source]) {
    const v = headers[h];
    if (v) return v;
  }
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

const SECRET_HEADERS = new Set([
  'authorization',
  'cookie',
  'x-hub-signature',
  'x-hub-signature-256',
  'x-gitlab-token',
  'x-ferry-token',
]);

/** The headers kept with a delivery: all but credentials. */
export function storableHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!SECRET_HEADERS.has(k)) kept[k] = v;
  return kept;
}
