import type { EventClassifier, WebhookSourceName } from './events.js';

const byHeader =
  (header: string, handled: readonly string[]): EventClassifier =>
  (headers) => {
    const name = headers[header];
    return name !== undefined && handled.includes(name) ? { event: name } : null;
  };

const byBodyField =
  (field: string, handled: readonly string[]): EventClassifier =>
  (_headers, body) => {
    const name = (body as Record<string, unknown> | null)?.[field];
    return typeof name === 'string' && handled.includes(name) ? { event: name } : null;
  };

/**
 * The events Ferry reacts to out of the box: issue changes and comments (where backport
 * requests are made), and Gerrit merges and comments.
 */
export const DEFAULT_CLASSIFIERS: Record<WebhookSourceName, EventClassifier> = {
  github: byHeader('x-github-event', ['issues', 'issue_comment']),
  gitlab: byHeader('x-gitlab-event', ['Issue Hook', 'Note Hook']),
  jira: byBodyField('webhookEvent', ['jira:issue_updated', 'jira:issue_created']),
  gerrit: byBodyField('type', ['change-merged', 'comment-added']),
};
