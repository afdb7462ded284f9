import type { FerryConfig } from '../config/schema.js';
import { readSecret } from '../config/secret.js';
import type { TrackerConfig } from '../config/trackers.js';
import { GitHubClient, githubAuthFromConfig } from '../vendors/github/client.js';
import { GitLabClient } from '../vendors/gitlab/client.js';
import { JiraClient } from '../vendors/jira/client.js';
import { type RetryPolicy, retryPolicyFrom } from '../vendors/retry.js';
import { BuiltinTracker } from './builtin/index.js';
import type { RequestStore } from './builtin/storage.js';
import { GitHubTracker } from './github/index.js';
import { GitLabTracker } from './gitlab/index.js';
import { JiraTracker } from './jira/index.js';
import { type Tracker, TrackerInputError } from './types.js';

/**
 * Makes the tracker a `trackers.<name>` entry describes. Secrets are read from `env` here, by the
 * names the configuration gives; a missing one is a `MissingSecretError` naming the variable.
 */

export interface TrackerDeps {
  /** Ferry's store, for the built-in tracker. */
  requests?: RequestStore;
  /** Overrides of the retry policy (a logger's `onRetry`; tests' `sleep`). */
  retry?: Partial<RetryPolicy>;
}

export function createTracker(
  name: string,
  config: TrackerConfig,
  env: NodeJS.ProcessEnv,
  deps: TrackerDeps = {},
): Tracker {
  const where = (field: string) => `trackers.${name}.${field}`;
  switch (config.kind) {
    case 'jira': {
      const retry = retryPolicyFrom(config.retry, deps.retry);
      const auth =
        config.auth.kind === 'basic'
          ? {
              kind: 'basic' as const,
              email: readSecret(env, config.auth.email_env, where('auth.email_env')),
              token: readSecret(env, config.auth.token_env, where('auth.token_env')),
            }
          : {
              kind: 'bearer' as const,
              token: readSecret(env, config.auth.token_env, where('auth.token_env')),
            };
      return new JiraTracker(new JiraClient({ url: config.url, auth, retry }), {
        name,
        project: config.project,
        fields: config.fields,
        issueType: config.issue_type,
        ...(config.close_transition ? { closeTransition: config.close_transition } : {}),
      });
    }
    case 'github': {
      const retry = retryPolicyFrom(config.retry, deps.retry);
      const auth = githubAuthFromConfig(config.auth, env, where('auth'));
      return new GitHubTracker(new GitHubClient({ apiUrl: config.api_url, repo: config.repo, auth, retry }), {
        name,
        repo: config.repo,
        form: config.form,
        command: config.command,
      });
    }
    case 'gitlab': {
      const retry = retryPolicyFrom(config.retry, deps.retry);
      const token = readSecret(env, config.auth.token_env, where('auth.token_env'));
      return new GitLabTracker(new GitLabClient({ url: config.url, token, retry }), {
        name,
        project: config.project,
        form: config.form,
        command: config.command,
      });
    }
    case 'builtin':
      if (!deps.requests)
        throw new TrackerInputError(
          name,
          `tracker '${name}' is the built-in one and needs Ferry's store, which was not given`,
        );
      return new BuiltinTracker(deps.requests, { name, keyPrefix: config.key_prefix });
  }
}

/** Every configured tracker, by name. */
export function createTrackers(
  config: FerryConfig,
  env: NodeJS.ProcessEnv,
  deps: TrackerDeps = {},
): Map<string, Tracker> {
  return new Map(
    Object.entries(config.trackers).map(([name, c]) => [name, createTracker(name, c, env, deps)]),
  );
}
