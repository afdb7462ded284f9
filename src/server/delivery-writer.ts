import { type NewDelivery, type StoredDelivery, storeDeliveries } from '../store/deliveries.js';
import type { Store } from '../store/open.js';

interface Pending {
  delivery: NewDelivery;
  resolve(r: StoredDelivery): void;
  reject(e: unknown): void;
}

/**
 * Group commit for webhooks. A delivery waits only for the transaction that stores it, but
 * deliveries arriving while a transaction is in flight are stored together in the next one,
 * so the cost of a commit is shared under load and nothing waits on a timer when idle.
 * Each caller's promise settles after the commit that holds its delivery.
 */
export class DeliveryWriter {
  private pending: Pending[] = [];
  private inFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly o: { maxBatch: number; maxConcurrent: number; onStored?: (n: number) => void } = {
      maxBatch: 500,
      maxConcurrent: store.backend === 'postgres' ? 4 : 1,
    },
  ) {}

  write(delivery: NewDelivery): Promise<StoredDelivery> {
    return new Promise((resolve, reject) => {
      this.pending.push({ delivery, resolve, reject });
      this.pump();
    });
  }

  private lastActive = 0;

  /**
   * Resolves once no delivery has been waiting or written for `ms`: background work in
   * this process (the worker) waits for a lull in a burst of webhooks rather than slipping
   * its queries in between two commits, which would delay the next acknowledgements.
   */
  async quiet(ms: number): Promise<void> {
    for (;;) {
      await this.idle();
      const since = performance.now() - this.lastActive;
      if (since >= ms) return;
      await new Promise((r) => setTimeout(r, ms - since));
    }
  }

  /** Resolves when nothing is waiting or being written. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    while (this.inFlight < this.o.maxConcurrent && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.o.maxBatch);
      this.inFlight++;
      this.lastActive = performance.now();
      storeDeliveries(
        this.store.db,
        batch.map((p) => p.delivery),
      )
        .then(
          (results) => {
            for (const [i, p] of batch.entries()) p.resolve(results[i]!);
            this.o.onStored?.(batch.length);
          },
          (e) => {
            for (const p of batch) p.reject(e);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
          if (this.inFlight === 0 && this.pending.length === 0)
            for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }
}
