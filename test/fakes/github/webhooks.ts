import { createRequire } from 'node:module';
import { githubOpenApi } from './openapi.js';

// biome-ignore lint/suspicious/noExplicitAny: webhook payloads are untyped JSON here
type Json = any;

const require = createRequire(import.meta.url);
const examples: {
  name: string;
  examples: Json[];
}[] = require('@octokit/webhooks-examples/api.github.com/index.json');

/** A real payload from `@octokit/webhooks-examples` (a deep copy), the first for the event and action. */
export function webhookExample(event: string, action: string, index = 0): Json {
  const group = examples.find((e) => e.name === event);
  const hits = (group?.examples ?? []).filter((x) => x.action === action);
  if (!hits[index]) throw new Error(`no webhook example ${event}.${action}[${index}]`);
  return structuredClone(hits[index]);
}

function schemaProblems(event: string, action: string, payload: Json): string[] {
  const api = githubOpenApi();
  const hook = api.doc['x-webhooks']?.[`${event.replace(/_/g, '-')}-${action}`];
  const schema = hook?.post?.requestBody?.content?.['application/json']?.schema;
  if (!schema) return [`no x-webhooks schema for ${event}.${action}`];
  return api.validate(payload, schema, 'payload');
}

/**
 * What an edit of an example added to its problems against the webhook's schema in
 * `@octokit/openapi` (`x-webhooks`): a test that changes a real payload must keep it one that
 * GitHub could send. (The examples predate some fields the newer description requires, so the
 * original's own gaps are not counted against the edit.)
 */
export function problemsAddedByEdit(event: string, action: string, edited: Json, index = 0): string[] {
  const before = new Set(schemaProblems(event, action, webhookExample(event, action, index)));
  return schemaProblems(event, action, edited).filter((p) => !before.has(p));
}
