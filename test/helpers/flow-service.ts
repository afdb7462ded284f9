import path from 'node:path';
import { ferryConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/server/log.js';
import { type RunningService, startService } from '../../src/server/service.js';
import { listAttempts } from '../../src/store/attempts.js';
import type { Store } from '../../src/store/open.js';
import { listJobs } from '../../src/store/queue.js';
import { buildDemo, type DemoSetup } from '../../src/workflows/demo.js';
import '../../src/workflows/registered.js';
import { tempDir } from './git-fixture.js';
import { type Backend, testStore } from './store.js';

/**
 * The real service over the demo's real repositories, for end-to-end tests of a flow: `buildDemo`
 * makes an upstream with fixes A and B and a downstream with streams 2.0 and 1.0 (A applies to
 * 2.0, B conflicts on 1.0); the test adds its trackers, forges and webhook sources to the
 * demo's configuration, and the service runs its HTTP endpoint and its worker on a test store.
 */

/** Retries fast enough for a test, still several tries. */
export const FAST_RETRY = { attempts: 3, base_delay_ms: 5, max_delay_ms: 20, max_wait_ms: 2_000 };

export interface FlowService {
  setup: DemoSetup;
  store: Store;
  service: RunningService;
}

export async function startFlowService(
  backend: Backend,
  o: {
    /** The configuration's own parts (trackers, forges, server), given the demo's repositories. */
    config: (setup: DemoSetup) => Record<string, unknown>;
    /** A last edit of the raw configuration (a case's own twist). */
    edit?: (cfg: Record<string, unknown>) => void;
    /** Secrets the configuration names, added to the process's environment. */
    env: Record<string, string>;
    /** Runs once the repositories exist, before the service starts (e.g. to start a fake on them). */
    before?: (setup: DemoSetup) => Promise<void>;
  },
): Promise<FlowService> {
  const dir = tempDir('ferry-e2e-');
  const setup = await buildDemo({ dir, progress: () => {} });
  await o.before?.(setup);
  const raw: Record<string, unknown> = {
    ...JSON.parse(JSON.stringify(setup.config)),
    ...o.config(setup),
  };
  o.edit?.(raw);
  const config = ferryConfig.parse(raw);
  const store = await testStore(backend);
  const service = await startService({
    config,
    store,
    env: { ...process.env, ...o.env },
    log: createLogger({ level: 'silent' }),
    http: { port: 0, host: '127.0.0.1' },
    worker: true,
    workDir: path.join(dir, '.ferry'),
    workerOptions: { pollMs: 20 },
  });
  return { setup, store, service };
}

/** Until every job has ended (done or dead); a minute at most, then the jobs' states in the error. */
export async function waitForJobs(store: Store): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const jobs = await listJobs(store.db, { limit: 1000 });
    if (jobs.length > 0 && jobs.every((j) => j.state === 'done' || j.state === 'dead')) return;
    if (Date.now() > deadline)
      throw new Error(`jobs did not end: ${JSON.stringify(jobs.map((j) => [j.kind, j.state, j.lastError]))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function attemptsOf(store: Store) {
  return listAttempts(store.db, {});
}
