import type { Detector } from './detector.js';

/** The API users program against: HTTP routes, microversions and schemas; for a kernel, the user-space ABI. */
export const httpApi: Detector = { id: 'http-api', title: 'external API changes' };
