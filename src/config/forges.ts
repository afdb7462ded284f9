import { z } from 'zod';
import { githubAuth } from './github-auth.js';
import { retrySettings } from './retry.js';
import { envVarName } from './secret.js';
import { githubRepoName, gitlabProjectRef, httpUrl } from './vendor-names.js';

/**
 * `forges:` — where Ferry pushes bot branches and opens draft MRs. Each entry names the
 * repository (a key of `repositories:`) it serves. Secrets are named by environment variable.
 */

/** The first path part of every bot branch: `<bot_namespace>/<issue key>-<stream>`. */
const botNamespace = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/,
    'expected a branch prefix such as ferry',
  )
  .refine((s) => !s.includes('..') && !s.endsWith('.lock'), 'not a valid branch prefix')
  .default('ferry');

/** Where a push goes when it is not the forge's usual URL (a mirror, a local path in tests). */
const pushUrl = z.string().min(1).optional();

const common = {
  /** Which entry of `repositories:` this forge holds; default `downstream`. */
  repository: z.string().min(1).default('downstream'),
  bot_namespace: botNamespace,
  /** Labels (hashtags on Gerrit) put on every MR Ferry opens. */
  labels: z.array(z.string().min(1)).default(['ferry-backport']),
  push_url: pushUrl,
  retry: retrySettings.optional(),
};

export const githubForge = z
  .object({
    kind: z.literal('github'),
    api_url: httpUrl.default('https://api.github.com'),
    /** Where pull requests are opened (the base repository). */
    repo: githubRepoName,
    /** A fork to push bot branches to instead of `repo` (PR head `owner:branch`). */
    fork: githubRepoName.optional(),
    auth: githubAuth,
    ...common,
  })
  .strict();

export const gitlabForge = z
  .object({
    kind: z.literal('gitlab'),
    url: httpUrl.default('https://gitlab.com'),
    /** The project MRs target. */
    project: gitlabProjectRef,
    /** The bot's fork (or bot namespace project) that bot branches are pushed to; default `project`. */
    source_project: gitlabProjectRef.optional(),
    auth: z.object({ token_env: envVarName }).strict(),
    ...common,
  })
  .strict();

export const gerritForge = z
  .object({
    kind: z.literal('gerrit'),
    url: httpUrl,
    project: z.string().min(1),
    /** HTTP credentials (Settings → HTTP Credentials); anonymous REST when omitted. */
    auth: z.object({ username_env: envVarName, password_env: envVarName }).strict().optional(),
    ...common,
  })
  .strict();

export const gitForge = z
  .object({
    kind: z.literal('git'),
    /** Any git remote: URL, user@host:path, or an absolute path. */
    remote: z.string().min(1),
    /** An HTTP header line for the remote, from the environment (e.g. `Authorization: Bearer …`). */
    http_header_env: envVarName.optional(),
    repository: common.repository,
    bot_namespace: botNamespace,
  })
  .strict();

export const forgeConfig = z.discriminatedUnion('kind', [githubForge, gitlabForge, gerritForge, gitForge]);
export type ForgeConfig = z.infer<typeof forgeConfig>;
export type GitHubForgeConfig = z.infer<typeof githubForge>;
export type GitLabForgeConfig = z.infer<typeof gitlabForge>;
export type GerritForgeConfig = z.infer<typeof gerritForge>;
export type GitForgeConfig = z.infer<typeof gitForge>;

export const forges = z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), forgeConfig).default({});
