/** The store's public surface: open it, then use the repository functions and the queue. */
export * from './attempts.js';
export * from './audit.js';
export * from './builtin-issues.js';
export * from './controls.js';
export * from './cursors.js';
export * from './deliveries.js';
export * from './effects.js';
export * from './job-kinds.js';
export * from './ledger.js';
export { StoreLockedError } from './lock-file.js';
export * from './open.js';
export * from './queue.js';
export * from './requests.js';
export * from './schedule-slots.js';
export type {
  AttemptState,
  AttemptStep,
  DeliveryOutcome,
  JobState,
  LedgerState,
  RequestState,
} from './schema.js';
