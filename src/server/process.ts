import '../workflows/registered.js';
import type { FerryConfig } from '../config/schema.js';
import type { JobKinds } from '../store/job-kinds.js';
import { type OpenOptions, openStore, type Store } from '../store/open.js';
import type { EventRegistry } from '../workflows/events.js';
import type { Logger } from './log.js';
import { type RunningService, type ServiceOptions, startService } from './service.js';

export interface ServiceProcessOptions {
  config: FerryConfig;
  store: OpenOptions;
  env: NodeJS.ProcessEnv;
  log: Logger;
  http?: { port: number; host: string };
  worker?: boolean;
  kinds?: JobKinds;
  events?: EventRegistry;
  workerOptions?: ServiceOptions['workerOptions'];
  workDir?: string;
  configDir?: string;
  /** Called once the service runs (the CLI prints its ready line here). */
  onReady?: (service: RunningService, store: Store) => void;
  /** Resolves to stop the service (default: SIGTERM or SIGINT). */
  until?: Promise<unknown>;
}

/**
 * A whole service process: opens the store (migrating it), runs HTTP and/or a worker until
 * SIGTERM or SIGINT, then stops gracefully — running jobs finish or give their leases back —
 * and closes the store (releasing the embedded store's lock).
 */
export async function runServiceProcess(o: ServiceProcessOptions): Promise<void> {
  const store = await openStore(o.store);
  let service: RunningService;
  try {
    service = await startService({
      config: o.config,
      store,
      env: o.env,
      log: o.log,
      http: o.http,
      worker: o.worker,
      kinds: o.kinds,
      events: o.events,
      workerOptions: o.workerOptions,
      workDir: o.workDir,
      configDir: o.configDir,
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  o.onReady?.(service, store);
  const signal = await (o.until ?? untilSignal());
  o.log.info({ signal }, 'stopping');
  try {
    await service.stop();
  } finally {
    await store.close();
  }
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off('SIGTERM', term);
      process.off('SIGINT', int);
      resolve(sig);
    };
    const term = () => on('SIGTERM');
    const int = () => on('SIGINT');
    process.once('SIGTERM', term);
    process.once('SIGINT', int);
  });
}
