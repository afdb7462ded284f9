import type { Command } from '../command.js';
import { EXIT, stringOpt, UsageError } from '../command.js';
import { CONTROL_HELP, CONTROL_OPTIONS, connectControl } from '../service-control.js';
import { intOption } from '../service-target.js';

const STATES = ['queued', 'running', 'done', 'dead'] as const;

const command: Command = {
  name: 'jobs',
  summary: 'list jobs, or retry a dead one',
  help: `Usage: ferry jobs list [--state queued|running|done|dead] [--kind KIND] [--limit N] [--json]
       ferry jobs retry ID [--json]

list   Newest first: id, state, kind, tries, and the last error.
retry  Puts a dead job back in the queue with its tries counted from zero.

Options:
  --state S   only jobs in state S
  --kind K    only jobs of kind K
  --limit N   at most N (default 50)
${CONTROL_HELP}

JSON: list: {"jobs": [{"id","kind","state","attempts","maxAttempts","runAt","lastError",...}]}
      retry: {"retried": bool, "reason"?: "not-found"|"not-dead", "job"?: {...}}
Exit status: 0 ok, 1 the job is not dead, 2 bad usage or no such job, 3 the service or store failed.

Example:
  ferry jobs list --state dead
  ferry jobs retry 42
`,
  options: {
    ...CONTROL_OPTIONS,
    state: { type: 'string' },
    kind: { type: 'string' },
    limit: { type: 'string' },
  },
  allowPositionals: true,
  async run(args, io) {
    const [sub, ...rest] = args.positionals;
    if (sub === 'list') {
      if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}'`);
      const state = stringOpt(args.values.state);
      if (state !== undefined && !(STATES as readonly string[]).includes(state)) {
        throw new UsageError(`--state: expected one of ${STATES.join(', ')}, got '${state}'`);
      }
      const limit = intOption(args, 'limit', 1, 1000) ?? 50;
      const ctl = await connectControl(io, args);
      try {
        const jobs = await ctl.listJobs({
          state: state as (typeof STATES)[number] | undefined,
          kind: stringOpt(args.values.kind),
          limit,
        });
        if (args.values.json) {
          io.out(`${JSON.stringify({ jobs })}\n`);
        } else if (jobs.length === 0) {
          io.out('no jobs\n');
        } else {
          for (const j of jobs) {
            const err = j.lastError ? `  ${j.lastError.split('\n')[0]}` : '';
            io.out(
              `${String(j.id).padStart(6)}  ${j.state.padEnd(7)}  ${j.kind}  tries ${j.attempts}/${j.maxAttempts}${err}\n`,
            );
          }
        }
        return EXIT.ok;
      } finally {
        await ctl.close();
      }
    }
    if (sub === 'retry') {
      const [idText, ...extra] = rest;
      if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
      const id = Number(idText);
      if (!idText || !Number.isInteger(id) || id <= 0)
        throw new UsageError(`job id: expected a number, got '${idText ?? ''}'`);
      const ctl = await connectControl(io, args);
      try {
        const r = await ctl.retry(id);
        if (args.values.json) io.out(`${JSON.stringify(r)}\n`);
        if (r.retried) {
          if (!args.values.json) io.out(`job ${id} queued again\n`);
          return EXIT.ok;
        }
        if (r.reason === 'not-found') {
          io.err(`ferry jobs: job ${id}: no such job\n`);
          return EXIT.usage;
        }
        io.err(`ferry jobs: job ${id} is ${r.job?.state}, not dead; only dead jobs are retried\n`);
        return EXIT.negative;
      } finally {
        await ctl.close();
      }
    }
    throw new UsageError(
      `${sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`}; expected list or retry`,
    );
  },
};
export default command;
