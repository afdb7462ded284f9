import type { Detector } from './detector.js';

/** Options or groups removed or renamed without keeping the old name working. */
export const configOptions: Detector = { id: 'config-options', title: 'incompatible configuration changes' };
