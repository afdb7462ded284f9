import type { Command } from './command.js';

/** Every subcommand: name, one-line summary, and how to load it. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  pick: {
    summary: 'put upstream commits on branches (no work tree needed)',
    load: async () => (await import('./commands/pick.js')).default,
  },
  status: {
    summary: 'is this change already on those branches, and how do we know',
    load: async () => (await import('./commands/status.js')).default,
  },
  deps: {
    summary: 'prerequisites and follow-up fixes of a backport',
    load: async () => (await import('./commands/deps.js')).default,
  },
  check: {
    summary: 'may these commits go to that stream? (stable-branch policy)',
    load: async () => (await import('./commands/check.js')).default,
  },
  cve: {
    summary: 'kernel CVE announcements → requests',
    load: async () => (await import('./commands/cve.js')).default,
  },
  version: {
    summary: 'print the version',
    load: async () => (await import('./commands/version.js')).default,
  },
};
