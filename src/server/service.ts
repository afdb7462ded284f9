import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import type { FerryConfig } from '../config/schema.js';
import { readSecret } from '../config/secret.js';
import { type JobKinds, jobKinds } from '../store/job-kinds.js';
import type { Store } from '../store/open.js';
import { registerDeliveryJobKind } from '../workflows/deliveries.js';
import { type EventRegistry, events } from '../workflows/events.js';
import { configureWorkflows } from '../workflows/runtime.js';
import { createApp } from './app.js';
import { DeliveryWriter } from './delivery-writer.js';
import type { Logger } from './log.js';
import { ServiceMetrics } from './metrics.js';
import { fireDueSchedules } from './scheduler.js';
import { resolveWebhookSecrets } from './webhook-auth.js';
import { Worker, type WorkerOptions } from './worker.js';

export interface ServiceOptions {
  config: FerryConfig;
  store: Store;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Listen for HTTP (port 0: any free port). Off for `ferry worker`. */
  http?: { port: number; host: string };
  /** Run a worker in this process (default true). */
  worker?: boolean;
  kinds?: JobKinds;
  events?: EventRegistry;
  /** Where the workflows keep their files (mirrors); default `.ferry` in the current directory. */
  workDir?: string;
  /** Where relative paths in the configuration start (its file's folder). */
  configDir?: string;
  /** Tests and benchmarks tune the worker's timings. */
  workerOptions?: Partial<Pick<WorkerOptions, 'leaseMs' | 'pollMs' | 'reapEveryMs' | 'tickEveryMs' | 'id'>>;
}

export interface RunningService {
  /** The HTTP address, when listening. */
  url?: string;
  port?: number;
  worker?: Worker;
  metrics: ServiceMetrics;
  /**
   * Stops taking requests and work, lets running jobs finish for the configured grace and
   * releases the leases of the rest. The store stays open (its owner closes it).
   */
  stop(): Promise<void>;
}

export async function startService(o: ServiceOptions): Promise<RunningService> {
  const { config, store, log } = o;
  const settings = config.server;
  const kinds = o.kinds ?? jobKinds;
  const registry = o.events ?? events;
  registerDeliveryJobKind(kinds, registry);
  configureWorkflows({
    config,
    env: o.env,
    dataDir: o.workDir ?? path.resolve('.ferry'),
    ...(o.configDir ? { configDir: o.configDir } : {}),
  });
  const metrics = new ServiceMetrics(store);

  // Made before the worker, which lets the webhook writer go first.
  const writer = o.http ? new DeliveryWriter(store) : undefined;
  let worker: Worker | undefined;
  if (o.worker !== false) {
    worker = new Worker({
      store,
      kinds,
      log,
      concurrency: settings.worker.concurrency,
      leaseMs: settings.worker.lease_seconds * 1000,
      ...o.workerOptions,
      onTick: async () => {
        const fired = await fireDueSchedules(store, config.schedules, worker!.id);
        for (const job of fired)
          log.info(
            { job_id: job.id, schedule: job.payload.schedule, slot: job.payload.slot },
            'schedule fired',
          );
      },
      onJobEnd: (job, outcome, seconds) => metrics.jobEnded(job.kind, outcome, seconds),
      yieldTo: writer ? () => writer.quiet(25, 250) : undefined,
    });
    worker.start();
  }

  let server: ReturnType<typeof serve> | undefined;
  let port: number | undefined;
  if (o.http && writer) {
    const env = o.env;
    const configuredAdmin = settings.admin_token_env
      ? readSecret(env, settings.admin_token_env, 'server.admin_token_env')
      : undefined;
    // The embedded store's owner hands local operators a token through its lock file.
    const localAdmin = !configuredAdmin && store.dirLock ? randomBytes(24).toString('base64url') : undefined;
    const app = createApp({
      store,
      writer,
      events: registry,
      sources: resolveWebhookSecrets(settings.webhooks, env),
      bodyLimit: settings.body_limit,
      tokens: {
        read: settings.read_token_env
          ? readSecret(env, settings.read_token_env, 'server.read_token_env')
          : undefined,
        admin: configuredAdmin ?? localAdmin,
      },
      metrics,
      log,
      onQueued: () => worker?.wake(),
    });
    const http = o.http;
    port = await new Promise<number>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: http.port, hostname: http.host }, (info: AddressInfo) =>
        resolve(info.port),
      );
      s.once('error', reject);
      server = s;
    });
    store.dirLock?.advertise(port, localAdmin);
    log.info({ url: `http://${http.host}:${port}/`, store: store.location }, 'listening');
  }

  return {
    url: port !== undefined ? `http://${o.http!.host}:${port}` : undefined,
    port,
    worker,
    metrics,
    async stop() {
      if (server) {
        const s = server as import('node:http').Server;
        const closed = new Promise<void>((r) => s.close(() => r()));
        s.closeIdleConnections();
        const t = setTimeout(() => s.closeAllConnections(), 5_000);
        await closed;
        clearTimeout(t);
        await writer?.idle();
      }
      if (worker) await worker.stop(settings.worker.shutdown_grace_seconds * 1000);
      log.info('service stopped');
    },
  };
}
