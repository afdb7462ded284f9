import type { Command } from '../command.js';
import { EXIT } from '../command.js';
import { CONTROL_HELP, CONTROL_OPTIONS, connectControl, describeJobs } from '../service-control.js';

const command: Command = {
  name: 'pause',
  summary: 'stop triggers from making new work (deliveries are still stored)',
  help: `Usage: ferry pause [--url URL | --data DIR] [--json]

Pauses the service: webhooks are still verified and stored (answered 202 "held"), but
make no jobs until 'ferry resume'; schedules do not fire (a slot missed meanwhile runs
once on resume). Jobs already queued or running go on: 'ferry drain' waits for them.

Options:
${CONTROL_HELP}

JSON: {"paused": true, "paused_since", "paused_by", "jobs": {"queued","running","done","dead"}}
Exit status: 0 paused, 2 bad usage or the API refused the token, 3 the service or store failed.

Example:
  ferry pause --url http://ferry.internal:8080
`,
  options: CONTROL_OPTIONS,
  async run(args, io) {
    const ctl = await connectControl(io, args);
    try {
      const s = await ctl.pause();
      if (args.values.json) io.out(`${JSON.stringify(s)}\n`);
      else
        io.out(
          `paused (${ctl.via}): webhooks are stored and held, schedules do not fire; jobs: ${describeJobs(s)}\n`,
        );
      return EXIT.ok;
    } finally {
      await ctl.close();
    }
  },
};
export default command;
