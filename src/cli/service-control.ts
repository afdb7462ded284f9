import type { StoredRequest } from '../store/builtin-issues.js';
import { StoreLockedError } from '../store/lock-file.js';
import type { Store } from '../store/open.js';
import type { Job, JobFilter, RetryOutcome } from '../store/queue.js';
import type { FiledRequest, NewBuiltinRequest, RequestView } from '../workflows/builtin-requests.js';
import type { ServiceStatus } from '../workflows/service-control.js';
import type { CliIO, ParsedArgs } from './command.js';
import { EXIT, stringOpt } from './command.js';
import { serviceConfig, storeOptions, workDirOf } from './service-target.js';

/**
 * What the operator commands need from the service, over its admin API (`--url`, or the
 * port a running `ferry serve` wrote in the embedded store's lock) or directly on the store.
 */
export interface ServiceControl {
  /** "http://127.0.0.1:8080 (admin API)" or "postgres://db/ferry (store)". */
  readonly via: string;
  status(): Promise<ServiceStatus>;
  pause(): Promise<ServiceStatus>;
  resume(): Promise<ServiceStatus & { released: number }>;
  retry(id: number): Promise<RetryOutcome>;
  listJobs(f: JobFilter): Promise<Job[]>;
  /** The built-in tracker's requests. */
  fileRequest(r: NewBuiltinRequest): Promise<FiledRequest>;
  listRequests(limit: number): Promise<StoredRequest[]>;
  showRequest(key: string): Promise<RequestView>;
  close(): Promise<void>;
}

class NoSuchRequest extends Error {
  override name = 'NoSuchRequest';
  readonly exitCode = EXIT.usage;
}

export class ServiceUnreachableError extends Error {
  override name = 'ServiceUnreachableError';
  readonly exitCode: number = EXIT.failure;
}

class ApiRefusedError extends Error {
  override name = 'ApiRefusedError';
  readonly exitCode = EXIT.usage;
}

export const CONTROL_OPTIONS = {
  url: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const CONTROL_HELP = `  --url URL       a running service's address (or $FERRY_URL); its admin token is read from
                  the variable named by server.admin_token_env, else $FERRY_ADMIN_TOKEN
  --data DIR      the embedded store (default .ferry); when a ferry serve owns it, its API is
                  used, with the local admin token it keeps in DIR/ferry.lock
  --config FILE   configuration (default ferry.yaml when present)
  --json          print a stable JSON object`;

export async function connectControl(io: CliIO, args: ParsedArgs): Promise<ServiceControl> {
  const { config } = await serviceConfig(io, args);
  const { configureWorkflows } = await import('../workflows/runtime.js');
  configureWorkflows({ config, env: io.env, dataDir: workDirOf(io, args) });
  const tokenVar = config.server.admin_token_env ?? 'FERRY_ADMIN_TOKEN';
  const token = io.env[tokenVar] || undefined;
  const url = stringOpt(args.values.url) ?? io.env.FERRY_URL;
  if (url) return apiControl(url, token);
  const { openStore } = await import('../store/open.js');
  try {
    return storeControl(await openStore(storeOptions(io, args)));
  } catch (e) {
    if (e instanceof StoreLockedError && e.owner.port) {
      io.progress(
        `the store is owned by ferry process ${e.owner.pid}; using its API on port ${e.owner.port}`,
      );
      return apiControl(`http://127.0.0.1:${e.owner.port}`, token ?? e.owner.admin_token);
    }
    throw e;
  }
}

async function storeControl(store: Store): Promise<ServiceControl> {
  const ctl = await import('../workflows/service-control.js');
  const { listJobs } = await import('../store/queue.js');
  const builtin = await import('../workflows/builtin-requests.js');
  return {
    via: `${store.location} (store)`,
    status: () => ctl.serviceStatus(store),
    pause: () => ctl.pauseService(store, 'cli'),
    resume: () => ctl.resumeService(store, 'cli'),
    retry: (id) => ctl.retryDeadJob(store, id, 'cli'),
    listJobs: (f) => listJobs(store.db, f),
    fileRequest: (r) => builtin.fileRequest(store, { ...r, requestedBy: r.requestedBy ?? 'cli' }),
    listRequests: (limit) => builtin.listBuiltinRequests(store, limit),
    showRequest: (key) => builtin.showBuiltinRequest(store, key),
    close: () => store.close(),
  };
}

function apiControl(base: string, token: string | undefined): ServiceControl {
  const root = base.replace(/\/+$/, '');
  // biome-ignore lint/suspicious/noExplicitAny: the API's documented JSON, read field by field below
  type Body = any;
  const call = async (
    method: 'GET' | 'POST',
    path: string,
    json?: unknown,
  ): Promise<{ status: number; body: Body }> => {
    let res: Response;
    try {
      res = await fetch(`${root}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
    } catch (e) {
      throw new ServiceUnreachableError(
        `cannot reach ${root}: ${(e as Error).cause ?? (e as Error).message}`,
      );
    }
    const body: Body = await res.json().catch(() => ({}));
    if (res.status === 401 || res.status === 403) {
      throw new ApiRefusedError(`${root}${path}: ${res.status} ${body.error ?? ''}`.trim());
    }
    if (res.status >= 500)
      throw new ServiceUnreachableError(`${root}${path}: ${res.status} ${body.error ?? ''}`);
    return { status: res.status, body };
  };
  const revive = (j: Record<string, unknown>) => j as unknown as Job;
  return {
    via: `${root} (admin API)`,
    status: async () => (await call('GET', '/api/status')).body,
    pause: async () => (await call('POST', '/api/pause')).body,
    resume: async () => (await call('POST', '/api/resume')).body,
    async retry(id) {
      const r = await call('POST', `/api/jobs/${id}/retry`);
      if (r.status === 200) return { retried: true, job: revive(r.body.job) };
      if (r.status === 404) return { retried: false, reason: 'not-found' };
      return { retried: false, reason: 'not-dead', job: revive(r.body.job) };
    },
    async listJobs(f) {
      const q = new URLSearchParams();
      if (f.state) q.set('state', f.state);
      if (f.kind) q.set('kind', f.kind);
      if (f.limit) q.set('limit', String(f.limit));
      return ((await call('GET', `/api/jobs?${q}`)).body.jobs as Record<string, unknown>[]).map(revive);
    },
    async fileRequest(r) {
      const res = await call('POST', '/api/builtin-requests', {
        title: r.title,
        body: r.body,
        fix_version: r.fixVersion,
        commits: r.commits,
      });
      if (res.status !== 201)
        throw new ApiRefusedError(res.body.error ?? `the service answered ${res.status}`);
      return res.body as FiledRequest;
    },
    listRequests: async (limit) => (await call('GET', `/api/builtin-requests?limit=${limit}`)).body.requests,
    async showRequest(key) {
      const res = await call('GET', `/api/builtin-requests/${encodeURIComponent(key)}`);
      if (res.status === 404) throw new NoSuchRequest(res.body.error ?? `request ${key} does not exist`);
      return res.body.request as RequestView;
    },
    close: async () => {},
  };
}

export function describeJobs(s: ServiceStatus): string {
  return `${s.jobs.running} running, ${s.jobs.queued} queued, ${s.jobs.dead} dead`;
}
