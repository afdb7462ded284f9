import type { Detector } from './detector.js';

/** Migrations added or changed: the schema a stable release ships with must not move. */
export const dbSchema: Detector = { id: 'db-schema', title: 'database schema changes' };
