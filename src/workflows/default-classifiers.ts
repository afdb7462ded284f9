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
 * The tracker events where backport requests are made: issue changes, and comments (which may
 * carry `/backport` commands). The backport workflow subscribes to exactly these.
 */
export const TRACKER_EVENTS = {
  github: ['issues', 'issue_comment'],
  gitlab: ['Issue Hook', 'Note Hook'],
  jira: ['jira:issue_updated', 'jira:issue_created', 'comment_created'],
} as const satisfies Partial<Record<WebhookSourceName, readonly string[]>>;

/**
 * The events Ferry reacts to out of the box: issue changes and comments (where backport
 * requests are made), and Gerrit merges and comments.
 */
export const DEFAULT_CLASSIFIERS: Record<WebhookSourceName, EventClassifier> = {
  github: byHeader('x-github-event', TRACKER_EVENTS.github),
  gitlab: byHeader('x-gitlab-event', TRACKER_EVENTS.gitlab),
  jira: byBodyField('webhookEvent', TRACKER_EVENTS.jira),
  gerrit: byBodyField('type', ['change-merged', 'comment-added']),
};
