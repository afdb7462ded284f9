import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The real kernel CVE records (announcements beside the CVE team's ground truth) in the
 * shared folder that every checkout and CI run has beside the project, at `../shared/`.
 */
export const KERNEL_CVES = path.resolve(REPO_ROOT, '../shared/data/kernel-cves');

if (!existsSync(KERNEL_CVES))
  throw new Error(
    `the shared data folder ${KERNEL_CVES} is missing: the CVE tests read the real records from ../shared beside the checkout; clone the project next to it, or link it there (ln -s /path/to/shared ${path.dirname(path.dirname(KERNEL_CVES))})`,
  );
