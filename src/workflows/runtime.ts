import path from 'node:path';
import type { FerryConfig } from '../config/schema.js';
import { createForge } from '../forges/factory.js';
import type { Forge } from '../forges/types.js';
import { ensureBareRepo, fetchRefs } from '../git/mirror.js';
import type { Repo } from '../git/repo.js';
import { builtinRequestStore } from '../store/builtin-issues.js';
import type { Store } from '../store/open.js';
import type { RequestStore } from '../trackers/builtin/storage.js';
import { createTracker } from '../trackers/factory.js';
import type { Tracker } from '../trackers/types.js';
import type { RetryPolicy } from '../vendors/retry.js';

/**
 * What the workflows run with: the configuration, the environment (secrets are read from it
 * by name), where mirrors live, and the trackers and forges made from the configuration.
 * `ferry serve`, `ferry worker` and `ferry demo` set it once at start.
 */
export interface WorkflowRuntime {
  config: FerryConfig;
  env: NodeJS.ProcessEnv;
  /** Default place for mirrors: `<dataDir>/mirrors/<repository>.git`. */
  dataDir: string;
  /** Where relative paths in the configuration start (its file's folder); default the working directory. */
  configDir?: string;
  /** Tests shorten vendor retries. */
  retry?: Partial<RetryPolicy>;
}

let current: WorkflowRuntime | null = null;
const trackers = new Map<string, Tracker>();
const forges = new Map<string, Forge>();
const mirrors = new Map<string, Promise<Repo>>();

export function configureWorkflows(r: WorkflowRuntime): void {
  current = r;
  trackers.clear();
  forges.clear();
  mirrors.clear();
}

export class NotConfiguredError extends Error {
  override name = 'NotConfiguredError';
  readonly exitCode = 2;
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}

export function runtime(): WorkflowRuntime {
  if (!current) throw new Error('the workflows were started without configureWorkflows()');
  return current;
}

/** The name the built-in tracker has when the configuration names none. */
export const BUILTIN_TRACKER = 'builtin';

/** The tracker called `name`; the built-in one exists even with no configuration. */
export function trackerNamed(name: string, store: Store): Tracker {
  const rt = runtime();
  const cached = trackers.get(name);
  if (cached) return cached;
  const cfg = rt.config.trackers[name] ?? (name === BUILTIN_TRACKER ? builtinTrackerConfig() : undefined);
  if (!cfg)
    throw new NotConfiguredError(
      name,
      `tracker '${name}' is not configured (trackers: ${Object.keys(rt.config.trackers).join(', ') || 'none'})`,
    );
  const requests: RequestStore = builtinRequestStore(store.db);
  const t = createTracker(name, cfg, rt.env, { requests, ...(rt.retry ? { retry: rt.retry } : {}) });
  trackers.set(name, t);
  return t;
}

export function builtinTrackerConfig() {
  return {
    kind: 'builtin' as const,
    key_prefix: 'REQ',
    eligible_statuses: ['New', 'Planning'],
    labels: { success: 'ferry-backport-success', failure: 'ferry-backport-failure' },
  };
}

/** The tracker's configuration (the built-in one's defaults when it is not configured). */
export function trackerConfig(name: string) {
  const rt = runtime();
  return rt.config.trackers[name] ?? builtinTrackerConfig();
}

/** The repository a stream's branch lives in: its own setting, else `downstream`, else `upstream`. */
export function streamRepositoryName(streamRepository: string | undefined): string {
  const repos = runtime().config.repositories;
  return streamRepository ?? (repos.downstream ? 'downstream' : 'upstream');
}

/** The forge serving `repository` (the first configured for it). */
export function forgeFor(repository: string): { name: string; forge: Forge } {
  const rt = runtime();
  const entry = Object.entries(rt.config.forges).find(([, f]) => f.repository === repository);
  if (!entry)
    throw new NotConfiguredError(
      repository,
      `no forge is configured for repository '${repository}'; add one under forges: with repository: ${repository}`,
    );
  const [name, cfg] = entry;
  let f = forges.get(name);
  if (!f) {
    f = createForge(name, cfg, rt.env, {
      repo: () => mirror(repository),
      ...(rt.retry ? { retry: rt.retry } : {}),
    });
    forges.set(name, f);
  }
  return { name, forge: f };
}

/** Where a repository's mirror is: `repositories.<name>.mirror`, else under the data directory. */
export function mirrorPath(repository: string): string {
  const rt = runtime();
  const cfg = rt.config.repositories[repository];
  return path.resolve(cfg?.mirror ?? path.join(rt.dataDir, 'mirrors', `${repository}.git`));
}

/** The bare mirror of `repository`, created on first use. */
export function mirror(repository: string): Promise<Repo> {
  let m = mirrors.get(repository);
  if (!m) {
    m = ensureBareRepo(mirrorPath(repository));
    mirrors.set(repository, m);
  }
  return m;
}

/**
 * Brings a stream's mirror up to date before a pick: its own branches from its URL, and the
 * upstream's branches as `refs/remotes/upstream/*` (where the commits to pick come from).
 * A repository without a URL is used as it is (a mirror someone else keeps fresh).
 */
export async function refreshMirror(repository: string): Promise<Repo> {
  const rt = runtime();
  const repo = await mirror(repository);
  const own = rt.config.repositories[repository];
  if (own?.url) await fetchRefs(repo, own.url, ['refs/heads/*:refs/heads/*']);
  const upstream = rt.config.repositories.upstream;
  if (repository !== 'upstream' && upstream?.url)
    await fetchRefs(repo, upstream.url, ['refs/heads/*:refs/remotes/upstream/*']);
  return repo;
}

/** The upstream main branch as the stream's mirror has it. */
export function upstreamMainRef(repository: string): string {
  const upstream = runtime().config.repositories.upstream;
  const main = upstream?.main_branch ?? 'main';
  return repository === 'upstream' ? `refs/heads/${main}` : `refs/remotes/upstream/${main}`;
}
