import type { Command } from '../command.js';
import { EXIT } from '../command.js';
import { CONTROL_HELP, CONTROL_OPTIONS, connectControl, describeJobs } from '../service-control.js';

const command: Command = {
  name: 'resume',
  summary: 'let triggers make work again; held deliveries are queued',
  help: `Usage: ferry resume [--url URL | --data DIR] [--json]

Ends a pause: every delivery held meanwhile gets its job (oldest first), and schedules
fire again (a slot missed while paused runs once).

Options:
${CONTROL_HELP}

JSON: {"paused": false, "released": N, "paused_since", "paused_by", "jobs": {...}}
Exit status: 0 resumed, 2 bad usage or the API refused the token, 3 the service or store failed.

Example:
  ferry resume
`,
  options: CONTROL_OPTIONS,
  async run(args, io) {
    const ctl = await connectControl(io, args);
    try {
      const s = await ctl.resume();
      if (args.values.json) io.out(`${JSON.stringify(s)}\n`);
      else io.out(`resumed (${ctl.via}): ${s.released} held deliveries queued; jobs: ${describeJobs(s)}\n`);
      return EXIT.ok;
    } finally {
      await ctl.close();
    }
  },
};
export default command;
