import { z } from 'zod';
import { githubAuth } from './github-auth.js';
import { retrySettings } from './retry.js';
import { envVarName } from './secret.js';
import { githubRepoName, gitlabProjectRef, httpUrl } from './vendor-names.js';

/**
 * `trackers:` — where backport requests come from and where Ferry reports back. Each entry is
 * named (`trackers.rhel`, `trackers.gh`) and has a `kind`. Secrets are named by environment
 * variable (`token_env`), never written here.
 */

/** The labels Ferry puts on an issue after an attempt (the seed's kwf-backport-success/failure). */
const attemptLabels = z
  .object({
    success: z.string().min(1).default('ferry-backport-success'),
    failure: z.string().min(1).default('ferry-backport-failure'),
  })
  .strict()
  .default({ success: 'ferry-backport-success', failure: 'ferry-backport-failure' });

const common = {
  labels: attemptLabels,
  retry: retrySettings.optional(),
};

/** Section headings of an issue form (GitHub issue forms render `### <label>`); also used for GitLab templates. */
const formSections = z
  .object({
    commit_hashes: z.string().min(1).default('Commit hashes'),
    fix_version: z.string().min(1).default('Fix version'),
  })
  .strict()
  .default({ commit_hashes: 'Commit hashes', fix_version: 'Fix version' });

const customFieldId = z
  .string()
  .regex(/^customfield_\d+$/, 'expected a Jira custom field id such as customfield_12345');

export const jiraTracker = z
  .object({
    kind: z.literal('jira'),
    /** The site, e.g. https://issues.redhat.com or https://example.atlassian.net. */
    url: httpUrl,
    /** Project key, e.g. RHEL. */
    project: z.string().regex(/^[A-Z][A-Z0-9_]+$/, 'expected a Jira project key such as RHEL'),
    auth: z.discriminatedUnion('kind', [
      /** Jira Cloud: account e-mail and API token, sent as HTTP basic auth. */
      z.object({ kind: z.literal('basic'), email_env: envVarName, token_env: envVarName }).strict(),
      /** Jira Data Center personal access token (or an OAuth access token), sent as a bearer token. */
      z.object({ kind: z.literal('bearer'), token_env: envVarName }).strict(),
    ]),
    fields: z
      .object({
        /** The "Commit Hashes" custom field. */
        commit_hashes: customFieldId,
        /**
         * How the commit-hashes field takes a value: `adf` for a multi-line text field (REST v3 takes
         * rich text as Atlassian Document Format), `plain` for a single-line text field.
         */
        commit_hashes_format: z.enum(['adf', 'plain']).default('adf'),
        /** Severity, when the site has such a field; else priority is reported. */
        severity: customFieldId.optional(),
      })
      .strict(),
    /** Issue type for issues Ferry creates (the CVE intake). */
    issue_type: z.string().min(1).default('Bug'),
    /** The transition that closes an issue; default the first one into a Done status. */
    close_transition: z.string().min(1).optional(),
    eligible_statuses: z.array(z.string().min(1)).min(1).default(['New', 'Planning']),
    ...common,
  })
  .strict();

/** GitHub and GitLab issues keep Ferry's fields in the body and take `/backport` comments. */
const markdownIssues = {
  form: formSections,
  /** The comment command: `/backport <sha>... [to <stream>]`. */
  command: z
    .string()
    .regex(/^\/[a-z][a-z0-9-]*$/)
    .default('/backport'),
  eligible_statuses: z.array(z.string().min(1)).min(1).default(['open']),
  ...common,
};

export const githubTracker = z
  .object({
    kind: z.literal('github'),
    api_url: httpUrl.default('https://api.github.com'),
    repo: githubRepoName,
    auth: githubAuth,
    ...markdownIssues,
  })
  .strict();

export const gitlabTracker = z
  .object({
    kind: z.literal('gitlab'),
    url: httpUrl.default('https://gitlab.com'),
    project: gitlabProjectRef,
    auth: z.object({ token_env: envVarName }).strict(),
    ...markdownIssues,
  })
  .strict();

/** Requests kept in Ferry's own store (`ferry request add`), so the flow runs with no outside system. */
export const builtinTracker = z
  .object({
    kind: z.literal('builtin'),
    /** Keys are `<prefix>-<n>`. */
    key_prefix: z
      .string()
      .regex(/^[A-Z][A-Z0-9]*$/)
      .default('REQ'),
    eligible_statuses: z.array(z.string().min(1)).min(1).default(['New', 'Planning']),
    labels: attemptLabels,
  })
  .strict();

export const trackerConfig = z.discriminatedUnion('kind', [
  jiraTracker,
  githubTracker,
  gitlabTracker,
  builtinTracker,
]);
export type TrackerConfig = z.infer<typeof trackerConfig>;
export type JiraTrackerConfig = z.infer<typeof jiraTracker>;
export type GitHubTrackerConfig = z.infer<typeof githubTracker>;
export type GitLabTrackerConfig = z.infer<typeof gitlabTracker>;
export type BuiltinTrackerConfig = z.infer<typeof builtinTracker>;

export const trackers = z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), trackerConfig).default({});
