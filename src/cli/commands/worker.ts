import type { Command } from '../command.js';
import { EXIT, UsageError } from '../command.js';
import { intOption, serviceConfig, storeOptions, workDirOf } from '../service-target.js';

const HELP = `Usage: ferry worker [--concurrency N] [--config FILE] [--json]

Runs workers only (no HTTP), sharing the queue in PostgreSQL with every other
'ferry serve' and 'ferry worker' on any machine. Needs DATABASE_URL: the embedded
store belongs to the one 'ferry serve' process that owns its directory.

Options:
  --concurrency N   jobs run at once (default server.worker.concurrency, 2)
  --config FILE     configuration (default ferry.yaml when present); schedules fire from here too
  --json            print the ready line as {"worker","store","pid"}

SIGTERM or SIGINT: running jobs finish within server.worker.shutdown_grace_seconds
or give their lease back, then it exits 0.

Exit status: 0 stopped by a signal, 2 no DATABASE_URL or bad configuration, 3 the store failed.

Example:
  DATABASE_URL=postgres://ferry@db/ferry ferry worker --concurrency 4
`;

const command: Command = {
  name: 'worker',
  summary: 'run workers only, on PostgreSQL (DATABASE_URL)',
  help: HELP,
  options: { concurrency: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    if (!io.env.DATABASE_URL) {
      throw new UsageError(
        'ferry worker needs DATABASE_URL=postgres://...; the embedded store is run by ferry serve alone',
      );
    }
    const { config, dir } = await serviceConfig(io, args);
    const concurrency = intOption(args, 'concurrency', 1, 64);
    if (concurrency !== undefined) config.server.worker.concurrency = concurrency;
    const store = storeOptions(io, args);
    const { createLogger } = await import('../../server/log.js');
    const { runServiceProcess } = await import('../../server/process.js');
    const log = createLogger({ level: io.env.FERRY_LOG_LEVEL ?? config.server.log_level });
    await runServiceProcess({
      config,
      store,
      workDir: workDirOf(io, args),
      configDir: dir,
      env: io.env,
      log,
      onReady(service, s) {
        const ready = { worker: service.worker?.id, store: s.location, pid: process.pid };
        io.out(
          args.values.json
            ? `${JSON.stringify(ready)}\n`
            : `ferry worker: ${ready.worker} on ${s.location}\n`,
        );
      },
    });
    return EXIT.ok;
  },
};
export default command;
