import type { ForgeConfig } from '../config/forges.js';
import type { FerryConfig } from '../config/schema.js';
import { readSecret } from '../config/secret.js';
import type { Repo } from '../git/repo.js';
import { GerritClient } from '../vendors/gerrit/client.js';
import { GitHubClient, githubAuthFromConfig } from '../vendors/github/client.js';
import { GitLabClient } from '../vendors/gitlab/client.js';
import { type RetryPolicy, retryPolicyFrom } from '../vendors/retry.js';
import { GerritForge } from './gerrit/index.js';
import { PlainGitForge } from './git/index.js';
import { GitHubForge } from './github/index.js';
import { GitLabForge } from './gitlab/index.js';
import { type Forge, ForgeInputError } from './types.js';

/**
 * Makes the forge a `forges.<name>` entry describes. Secrets are read from `env` by the names
 * the configuration gives. Push URLs default to the forge's own HTTPS address for the repository.
 */

export interface ForgeDeps {
  /** The repository the plain git forge runs `ls-remote` and pushes from (the service's mirror). */
  repo?: () => Promise<Repo>;
  retry?: Partial<RetryPolicy>;
}

/** github.com's API lives on api.github.com; GitHub Enterprise Server's under /api/v3 of its host. */
export function githubWebUrl(apiUrl: string): string {
  if (/^https:\/\/api\.github\.com\/?$/.test(apiUrl)) return 'https://github.com';
  return apiUrl.replace(/\/api\/v3\/?$/, '');
}

export function createForge(
  name: string,
  config: ForgeConfig,
  env: NodeJS.ProcessEnv,
  deps: ForgeDeps = {},
): Forge {
  const where = (field: string) => `forges.${name}.${field}`;
  switch (config.kind) {
    case 'github': {
      const auth = githubAuthFromConfig(config.auth, env, where('auth'));
      const client = new GitHubClient({
        apiUrl: config.api_url,
        repo: config.repo,
        auth,
        retry: retryPolicyFrom(config.retry, deps.retry),
      });
      return new GitHubForge(client, {
        name,
        repo: config.repo,
        ...(config.fork ? { fork: config.fork } : {}),
        pushUrl: config.push_url ?? `${githubWebUrl(config.api_url)}/${config.fork ?? config.repo}.git`,
        botNamespace: config.bot_namespace,
        labels: config.labels,
      });
    }
    case 'gitlab': {
      const token = readSecret(env, config.auth.token_env, where('auth.token_env'));
      const source = config.source_project ?? config.project;
      if (!config.push_url && /^\d+$/.test(source))
        throw new ForgeInputError(
          name,
          `forge '${name}' names its project by id; give push_url (the git URL to push to)`,
        );
      return new GitLabForge(
        new GitLabClient({ url: config.url, token, retry: retryPolicyFrom(config.retry, deps.retry) }),
        {
          name,
          project: config.project,
          ...(config.source_project ? { sourceProject: config.source_project } : {}),
          pushUrl: config.push_url ?? `${config.url}/${source}.git`,
          botNamespace: config.bot_namespace,
          labels: config.labels,
        },
      );
    }
    case 'gerrit': {
      const auth = config.auth
        ? {
            username: readSecret(env, config.auth.username_env, where('auth.username_env')),
            password: readSecret(env, config.auth.password_env, where('auth.password_env')),
          }
        : undefined;
      const client = new GerritClient({
        url: config.url,
        ...(auth ? { auth } : {}),
        retry: retryPolicyFrom(config.retry, deps.retry),
      });
      return new GerritForge(client, {
        name,
        project: config.project,
        // Gerrit serves git over HTTP at /<project>, and at /a/<project> when authenticated.
        pushUrl: config.push_url ?? `${config.url}${auth ? '/a' : ''}/${config.project}`,
        botNamespace: config.bot_namespace,
        labels: config.labels,
      });
    }
    case 'git': {
      if (!deps.repo)
        throw new ForgeInputError(name, `forge '${name}' (plain git) needs a repository to push from`);
      const header = config.http_header_env
        ? readSecret(env, config.http_header_env, where('http_header_env'))
        : undefined;
      return new PlainGitForge({
        name,
        remote: config.remote,
        botNamespace: config.bot_namespace,
        ...(header ? { auth: { httpHeader: header } } : {}),
        repo: deps.repo,
      });
    }
  }
}

/** Every configured forge, by name; `repoFor` gives the mirror of a repository key. */
export function createForges(
  config: FerryConfig,
  env: NodeJS.ProcessEnv,
  deps: { repoFor?: (repository: string) => Promise<Repo>; retry?: Partial<RetryPolicy> } = {},
): Map<string, Forge> {
  return new Map(
    Object.entries(config.forges).map(([name, c]) => {
      const repoFor = deps.repoFor;
      return [
        name,
        createForge(name, c, env, {
          ...(repoFor ? { repo: () => repoFor(c.repository) } : {}),
          ...(deps.retry ? { retry: deps.retry } : {}),
        }),
      ];
    }),
  );
}
