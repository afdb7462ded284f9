import type { Command } from './command.js';

/** Every subcommand: name, one-line summary, and how to load it. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  demo: {
    summary: 'run the whole flow on a built example (nothing to set up)',
    load: async () => (await import('./commands/demo.js')).default,
  },
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
  request: {
    summary: 'file, list and show requests in the built-in tracker',
    load: async () => (await import('./commands/request.js')).default,
  },
  config: {
    summary: 'check ferry.yaml, or print its JSON Schema',
    load: async () => (await import('./commands/config.js')).default,
  },
  drain: {
    summary: 'pause, then wait until no job is queued or running',
    load: async () => (await import('./commands/drain.js')).default,
  },
  jobs: {
    summary: 'list jobs, or retry a dead one',
    load: async () => (await import('./commands/jobs.js')).default,
  },
  pause: {
    summary: 'stop triggers from making new work (deliveries are still stored)',
    load: async () => (await import('./commands/pause.js')).default,
  },
  resume: {
    summary: 'let triggers make work again; held deliveries are queued',
    load: async () => (await import('./commands/resume.js')).default,
  },
  serve: {
    summary: 'run the service: webhooks, API, metrics and a worker',
    load: async () => (await import('./commands/serve.js')).default,
  },
  worker: {
    summary: 'run workers only, on PostgreSQL (DATABASE_URL)',
    load: async () => (await import('./commands/worker.js')).default,
  },
  version: {
    summary: 'print the version',
    load: async () => (await import('./commands/version.js')).default,
  },
};
