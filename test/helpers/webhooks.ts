import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface WebhookExample {
  name: string;
  examples: Record<string, unknown>[];
}

/** A real GitHub payload of `event` from @octokit/webhooks-examples. */
export function githubExample(event: string, index = 0): Record<string, unknown> {
  const all = require('@octokit/webhooks-examples') as WebhookExample[];
  const found = all.find((e) => e.name === event);
  if (!found?.examples[index]) throw new Error(`no example of ${event}`);
  return found.examples[index];
}

/** Headers of a GitHub delivery of `body`, signed with `secret`, as GitHub sends them. */
export function githubHeaders(
  event: string,
  body: string,
  secret: string,
  id = randomUUID(),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/test',
    'x-github-event': event,
    'x-github-delivery': id,
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  };
}

/**
 * Headers of a Jira Cloud delivery of `body` from an admin webhook with a secret: HMAC-SHA256
 * of the raw body in `X-Hub-Signature` (`sha256=<hex>`), and `X-Atlassian-Webhook-Identifier`,
 * which Jira keeps the same when it retries a delivery.
 */
export function jiraHeaders(body: string, secret: string, id: string = randomUUID()): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Atlassian Webhook HTTP Client',
    'x-atlassian-webhook-flow': 'Primary',
    'x-atlassian-webhook-identifier': id,
    'x-hub-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  };
}
