import { z } from 'zod';
import { envVarName } from './secret.js';

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A size in bytes, or a string such as `5MB`, `512kb` (binary units). */
export const byteSize = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*(b|kb|mb|gb)\s*$/i, 'expected a size such as 5MB, 512KB or a number of bytes')
    .transform((s) => {
      const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)\s*$/i.exec(s)!;
      return Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!);
    }),
]);

/** GitHub signs each delivery with HMAC-SHA256 (`X-Hub-Signature-256`) under this secret. */
const githubWebhook = z.object({ secret_env: envVarName }).strict();
/** GitLab sends the configured token back verbatim in `X-Gitlab-Token`. */
const gitlabWebhook = z.object({ token_env: envVarName }).strict();
/**
 * Jira: either an HMAC secret (`X-Hub-Signature: sha256=...`, Jira Cloud's "secret") or a
 * shared token in the URL (`?token=`) or an `X-Ferry-Token` header. Both may be given.
 */
const jiraWebhook = z
  .object({ secret_env: envVarName.optional(), token_env: envVarName.optional() })
  .strict()
  .refine((j) => j.secret_env || j.token_env, { message: 'give secret_env, token_env, or both' });
/** Gerrit's webhooks plugin does not sign: a shared token in the URL or `X-Ferry-Token`. */
const gerritWebhook = z.object({ token_env: envVarName }).strict();

/** A source is accepted only when it is listed here; others are answered 404. */
export const webhookSources = z
  .object({
    github: githubWebhook.optional(),
    gitlab: gitlabWebhook.optional(),
    jira: jiraWebhook.optional(),
    gerrit: gerritWebhook.optional(),
  })
  .strict()
  .default({});
export type WebhookSources = z.infer<typeof webhookSources>;
export type WebhookSource = keyof WebhookSources;

export const workerSettings = z
  .object({
    /** Jobs one worker process runs at the same time. */
    concurrency: z.number().int().min(1).max(64).default(2),
    /** A job whose worker stops renewing its lease for this long is given to another worker. */
    lease_seconds: z.number().int().min(1).default(60),
    /** Tries before a job is `dead` (then only a person retries it). */
    max_attempts: z.number().int().min(1).default(8),
    /** How long SIGTERM waits for running jobs before releasing their leases. */
    shutdown_grace_seconds: z.number().min(0).default(30),
  })
  .strict()
  .prefault({});
export type WorkerSettings = z.infer<typeof workerSettings>;

export const server = z
  .object({
    port: z.number().int().min(0).max(65535).default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    /** Largest webhook body accepted; larger ones are answered 413 without being read whole. */
    body_limit: byteSize.default(5 * 1024 * 1024),
    /** Bearer token for `GET /api/...` (the admin token is accepted there too). Unset: reads are open. */
    read_token_env: envVarName.optional(),
    /** Bearer token for `POST /api/...` (pause, resume, retry). Unset: those answer 403. */
    admin_token_env: envVarName.optional(),
    webhooks: webhookSources,
    worker: workerSettings,
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict()
  .prefault({});
export type ServerSettings = z.infer<typeof server>;
