import { DELIVERY_JOB, type Delivery, getDelivery } from '../store/deliveries.js';
import { type JobHandler, type JobKinds, PermanentJobError } from '../store/job-kinds.js';
import type { EventRegistry, WebhookSourceName } from './events.js';

/**
 * The job made for every handled webhook: loads the stored delivery and runs each handler
 * registered for its (source, event). A delivery with no handler yet is done, and says so.
 */
export function deliveryJobHandler(registry: EventRegistry): JobHandler<{ delivery_id: number }> {
  return async (ctx) => {
    const delivery: Delivery | undefined = await getDelivery(ctx.store.db, ctx.payload.delivery_id);
    if (!delivery) throw new PermanentJobError(`delivery ${ctx.payload.delivery_id} is not in the store`);
    const source = delivery.source as WebhookSourceName;
    const event = delivery.event ?? '';
    const handlers = registry.handlersFor(source, event);
    if (handlers.length === 0) {
      ctx.log.info({ source, event }, 'no handler is registered for this event');
      return { handlers: 0 };
    }
    const body: unknown = JSON.parse(delivery.body);
    for (const handler of handlers) await handler(ctx, { delivery, source, event, body });
    return { handlers: handlers.length };
  };
}

/** Registers the `delivery` job kind unless the registry has it already. */
export function registerDeliveryJobKind(kinds: JobKinds, registry: EventRegistry): void {
  if (!kinds.get(DELIVERY_JOB)) kinds.register(DELIVERY_JOB, deliveryJobHandler(registry));
}
