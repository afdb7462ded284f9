import type { Command } from './command.js';

/** Every subcommand: name, one-line summary, and how to load it. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  config: {
    summary: 'check ferry.yaml, or print its JSON Schema',
    load: async () => (await import('./commands/config.js')).default,
  },
  version: {
    summary: 'print the version',
    load: async () => (await import('./commands/version.js')).default,
  },
};
