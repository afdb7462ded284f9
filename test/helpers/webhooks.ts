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
