import type { IncomingMessage } from 'node:http';
import { Hono } from 'hono';
import type { Store } from '../store/open.js';
import { type EventRegistry, WEBHOOK_SOURCES, type WebhookSourceName } from '../workflows/events.js';
import { type ApiTokens, mountApi } from './api.js';
import type { DeliveryWriter } from './delivery-writer.js';
import type { Logger } from './log.js';
import type { ServiceMetrics } from './metrics.js';
import { readBody } from './read-body.js';
import { authenticate, deliveryKey, type SourceSecrets, storableHeaders } from './webhook-auth.js';

export interface AppOptions {
  store: Store;
  writer: DeliveryWriter;
  events: EventRegistry;
  /** Configured webhook sources and their secrets; any other source is answered 404. */
  sources: Map<WebhookSourceName, SourceSecrets>;
  bodyLimit: number;
  tokens: ApiTokens;
  metrics: ServiceMetrics;
  log: Logger;
  /** Called after a delivery made a job (wakes this process's worker). */
  onQueued?: () => void;
}

type Env = { Bindings: { incoming?: IncomingMessage } };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function createApp(o: AppOptions): Hono<Env> {
  const app = new Hono<Env>();
  const { metrics, log } = o;

  app.post('/webhooks/:source', async (c) => {
    const started = performance.now();
    const name = c.req.param('source');
    const source = WEBHOOK_SOURCES.find((s) => s === name);
    const secrets = source && o.sources.get(source);
    const answer = (status: 400 | 401 | 404 | 413 | 503, outcome: string, error: string) => {
      metrics.deliveries.inc({ source: source ?? 'unknown', outcome });
      return c.json({ error }, status);
    };
    if (!source || !secrets)
      return answer(404, 'not_configured', `webhook source '${name}' is not configured`);

    const read = await readBody({ incoming: c.env?.incoming, request: c.req.raw }, o.bodyLimit);
    if (!read.ok) {
      if (read.reason === 'too-large') {
        c.header('Connection', 'close');
        return answer(413, 'too_large', `body is larger than the limit of ${o.bodyLimit} bytes`);
      }
      return answer(400, 'malformed', 'the request body was not received whole');
    }
    const headers = c.req.header();
    if (!authenticate(source, secrets, headers, read.bytes, new URL(c.req.url))) {
      return answer(401, 'unauthorized', 'missing or bad signature or token');
    }
    let text: string;
    let body: unknown;
    try {
      text = utf8.decode(read.bytes);
      body = JSON.parse(text);
    } catch {
      return answer(400, 'malformed', 'the body is not JSON');
    }
    const classified = o.events.classify(source, headers, body);
    const dedupKey = deliveryKey(source, headers, read.bytes);
    const dlog = log.child({ source, dedup_key: dedupKey });
    let stored: Awaited<ReturnType<DeliveryWriter['write']>>;
    try {
      stored = await o.writer.write({
        source,
        dedupKey,
        event: classified?.event ?? null,
        headers: storableHeaders(headers),
        body: text,
      });
    } catch (e) {
      dlog.error({ err: e }, 'storing the delivery failed');
      return answer(503, 'error', 'the delivery could not be stored; send it again');
    }
    metrics.deliveries.inc({ source, outcome: stored.outcome });
    metrics.ackSeconds.observe({ source }, (performance.now() - started) / 1000);
    const fields = { delivery_id: stored.id, event: classified?.event ?? headers['x-github-event'] ?? null };
    if (stored.outcome === 'duplicate') {
      dlog.info(fields, 'delivery already stored; replay ignored');
      return c.json({ outcome: 'duplicate', dedup_key: dedupKey }, 200);
    }
    dlog.info({ ...fields, outcome: stored.outcome, job_id: stored.jobId }, 'delivery stored');
    if (stored.outcome === 'queued') o.onQueued?.();
    return c.json({ outcome: stored.outcome, delivery: stored.id, job: stored.jobId ?? null }, 202);
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const ready = await o.store.ready();
    return c.json({ ready, store: o.store.backend }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const text = await metrics.registry.metrics();
    return c.text(text, 200, { 'Content-Type': metrics.registry.contentType });
  });

  mountApi(app as unknown as Hono, {
    store: o.store,
    tokens: o.tokens,
    log,
    onResume: o.onQueued,
    onRetry: o.onQueued,
    onQueued: o.onQueued,
  });
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  return app;
}
