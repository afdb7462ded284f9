import type { Command } from '../command.js';
import { EXIT } from '../command.js';
import { CONTROL_HELP, CONTROL_OPTIONS, connectControl } from '../service-control.js';
import { intOption } from '../service-target.js';

const command: Command = {
  name: 'drain',
  summary: 'pause, then wait until no job is queued or running',
  help: `Usage: ferry drain [--timeout SECONDS] [--url URL | --data DIR] [--json]

The first half of a production update: pauses the service (as 'ferry pause') and
waits until every queued and running job has ended, printing progress as it changes.
Then update, restart, and 'ferry resume'. Jobs waiting for a retry count as queued;
dead jobs do not.

Options:
  --timeout SECONDS  give up after this long (default 600); the service stays paused
${CONTROL_HELP}

JSON: {"drained": bool, "waited_seconds", "jobs": {"queued","running","done","dead"}}
Exit status: 0 drained, 1 timed out with jobs left, 2 bad usage, 3 the service or store failed.

Example:
  ferry drain --timeout 1800 && systemctl restart ferry && ferry resume
`,
  options: { ...CONTROL_OPTIONS, timeout: { type: 'string' }, 'poll-ms': { type: 'string' } },
  async run(args, io) {
    const timeoutS = intOption(args, 'timeout', 0, 7 * 24 * 3600) ?? 600;
    const pollMs = intOption(args, 'poll-ms', 10, 60_000) ?? 1000;
    const { pendingJobs } = await import('../../workflows/service-control.js');
    const ctl = await connectControl(io, args);
    try {
      const started = Date.now();
      let s = await ctl.pause();
      let last = '';
      for (;;) {
        const line = `drain: ${s.jobs.running} running, ${s.jobs.queued} queued`;
        if (line !== last) io.progress(line);
        last = line;
        if (pendingJobs(s) === 0) break;
        if (Date.now() - started >= timeoutS * 1000) break;
        await new Promise((r) => setTimeout(r, pollMs));
        s = await ctl.status();
      }
      const drained = pendingJobs(s) === 0;
      const waited = Math.round((Date.now() - started) / 100) / 10;
      if (args.values.json) io.out(`${JSON.stringify({ drained, waited_seconds: waited, jobs: s.jobs })}\n`);
      else if (drained) io.out(`drained (${ctl.via}) in ${waited}s; paused until 'ferry resume'\n`);
      else
        io.out(
          `not drained after ${waited}s: ${s.jobs.running} running, ${s.jobs.queued} queued; still paused\n`,
        );
      return drained ? EXIT.ok : EXIT.negative;
    } finally {
      await ctl.close();
    }
  },
};
export default command;
