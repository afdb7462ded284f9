import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { countAttemptsByState } from '../store/attempts.js';
import { isPaused } from '../store/controls.js';
import type { Store } from '../store/open.js';
import { countJobsByState } from '../store/queue.js';
import type { JobOutcome } from './worker.js';

/**
 * The service's Prometheus metrics, in a registry of its own (two services in one process,
 * as in tests, do not share counters). Queue and attempt gauges are read from the store at
 * each scrape, so they are the same whichever process is scraped.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly deliveries: Counter<'source' | 'outcome'>;
  readonly ackSeconds: Histogram<'source'>;
  readonly jobSeconds: Histogram<'kind' | 'outcome'>;

  constructor(store: Store) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'ferry_' });
    this.deliveries = new Counter({
      name: 'ferry_webhook_deliveries_total',
      help: 'Webhook deliveries by source and outcome (queued, ignored, held, duplicate, unauthorized, malformed, too_large, not_configured, error)',
      labelNames: ['source', 'outcome'],
      registers,
    });
    this.ackSeconds = new Histogram({
      name: 'ferry_webhook_ack_seconds',
      help: 'From the request to the durable acknowledgement of a stored delivery',
      labelNames: ['source'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.jobSeconds = new Histogram({
      name: 'ferry_job_duration_seconds',
      help: 'Job runs in this process, by kind and outcome (done, retry, dead, released, lost)',
      labelNames: ['kind', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    });
    new Gauge({
      name: 'ferry_jobs',
      help: 'Jobs in the store by state',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await countJobsByState(store.db);
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'ferry_attempts',
      help: 'Backport attempts in the store by state (queued, running, opened, conflicted, rejected, failed)',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await countAttemptsByState(store.db);
        for (const state of ['queued', 'running', 'opened', 'conflicted', 'rejected', 'failed']) {
          this.set({ state }, counts[state] ?? 0);
        }
      },
    });
    new Gauge({
      name: 'ferry_paused',
      help: '1 while the service is paused (triggers make no new work)',
      registers,
      async collect() {
        this.set((await isPaused(store.db)) ? 1 : 0);
      },
    });
  }

  jobEnded(kind: string, outcome: JobOutcome, seconds: number): void {
    this.jobSeconds.observe({ kind, outcome }, seconds);
  }
}
