import type { Detector } from './detector.js';

/** Requirement or package-manifest lines naming something the release did not depend on. */
export const dependencies: Detector = { id: 'dependencies', title: 'new dependencies' };
