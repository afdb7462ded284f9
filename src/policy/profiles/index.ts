import type { Signal } from '../settings.js';
import type { DetectorId } from '../types.js';
import { genericProfile } from './generic.js';
import { kernelProfile } from './kernel-c.js';
import { openstackProfile } from './openstack-python.js';

/**
 * A profile describes a kind of source tree: which paths are docs, tests, CI and
 * configuration, how log calls look, and the signals of each forbidden change. Projects
 * pick one in `policy.profile` and override any part in configuration.
 */
export interface Profile {
  description: string;
  safe: { docs: string[]; tests: string[]; config_files: string[]; ci: string[]; log_calls: string[] };
  /** Trailers that mark a bug fix in this kind of tree, beyond the default ones. */
  bug_trailers: string[];
  detectors: Partial<Record<DetectorId, Signal[]>>;
}

export const PROFILE_NAMES = ['none', 'openstack-python', 'kernel-c'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const PROFILES: Record<ProfileName, Profile> = {
  none: genericProfile,
  'openstack-python': openstackProfile,
  'kernel-c': kernelProfile,
};
