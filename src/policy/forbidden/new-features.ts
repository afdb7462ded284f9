import type { Detector } from './detector.js';

/**
 * New features: the classification's feature evidence (blueprint trailers, a tracker's
 * story or wishlist type) plus the profile's signals (a 'features' release note, a new
 * Kconfig symbol).
 */
export const newFeatures: Detector = {
  id: 'new-features',
  title: 'new features',
  extraFindings: (evidence) =>
    evidence.map((e) => ({ path: '', what: 'is marked as a feature', detail: e, note: false })),
};
