import type { Delivery } from '../store/deliveries.js';
import type { JobContext } from '../store/job-kinds.js';
import { DEFAULT_CLASSIFIERS } from './default-classifiers.js';

/** Where webhooks come from. */
export type WebhookSourceName = 'github' | 'gitlab' | 'jira' | 'gerrit';
export const WEBHOOK_SOURCES: readonly WebhookSourceName[] = ['github', 'gitlab', 'jira', 'gerrit'];

/** Request headers with lower-case names. */
export type Headers = Record<string, string>;

/**
 * Names the event a delivery carries if Ferry handles it, or returns null (the delivery is
 * stored as `ignored` and answered 202). It runs before the 2xx, so it only looks: no I/O.
 */
export type EventClassifier = (headers: Headers, body: unknown) => { event: string } | null;

/** Runs in a `delivery` job for each handled delivery of its (source, event). */
export type EventHandler = (ctx: JobContext, delivery: ReceivedEvent) => Promise<void>;

export interface ReceivedEvent {
  delivery: Delivery;
  source: WebhookSourceName;
  event: string;
  /** The parsed body. */
  body: unknown;
}

/**
 * Which webhook events Ferry handles, and what runs for them. A workflow adds classifiers
 * (asked in the order added, the first non-null answer wins, the defaults are asked last)
 * and handlers; nothing else changes.
 */
export class EventRegistry {
  private readonly classifiers = new Map<WebhookSourceName, EventClassifier[]>();
  private readonly defaults: Map<WebhookSourceName, EventClassifier>;
  private readonly handlers = new Map<string, EventHandler[]>();

  constructor(defaults: Partial<Record<WebhookSourceName, EventClassifier>> = DEFAULT_CLASSIFIERS) {
    this.defaults = new Map(Object.entries(defaults) as [WebhookSourceName, EventClassifier][]);
  }

  /** Adds a classifier for `source`; `replace: true` drops those added before, defaults included. */
  classifier(source: WebhookSourceName, fn: EventClassifier, o: { replace?: boolean } = {}): void {
    if (o.replace) this.defaults.delete(source);
    const list = o.replace ? [] : (this.classifiers.get(source) ?? []);
    list.push(fn);
    this.classifiers.set(source, list);
  }

  classify(source: WebhookSourceName, headers: Headers, body: unknown): { event: string } | null {
    for (const fn of this.classifiers.get(source) ?? []) {
      const r = fn(headers, body);
      if (r) return r;
    }
    return this.defaults.get(source)?.(headers, body) ?? null;
  }

  on(source: WebhookSourceName, event: string, handler: EventHandler): void {
    const key = `${source}\u0000${event}`;
    this.handlers.set(key, [...(this.handlers.get(key) ?? []), handler]);
  }

  handlersFor(source: WebhookSourceName, event: string): EventHandler[] {
    return this.handlers.get(`${source}\u0000${event}`) ?? [];
  }
}

/** The registry the service runs with. */
export const events = new EventRegistry();

export function registerEventClassifier(
  source: WebhookSourceName,
  fn: EventClassifier,
  o?: { replace?: boolean },
): void {
  events.classifier(source, fn, o);
}

export function onEvent(source: WebhookSourceName, event: string, handler: EventHandler): void {
  events.on(source, event, handler);
}
