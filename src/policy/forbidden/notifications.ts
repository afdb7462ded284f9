import type { Detector } from './detector.js';

/** Versioned notification payloads that consumers parse; for a kernel, tracepoint records. */
export const notifications: Detector = { id: 'notifications', title: 'notification payload changes' };
