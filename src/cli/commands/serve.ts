import type { Command } from '../command.js';
import { EXIT, stringOpt } from '../command.js';
import { intOption, serviceConfig, storeOptions, workDirOf } from '../service-target.js';

const HELP = `Usage: ferry serve [--port N] [--host ADDR] [--data DIR] [--config FILE] [--json]

Runs the service: the HTTP server (webhooks, API, metrics) and one worker.
The store is PostgreSQL when DATABASE_URL is set, else the embedded store in DIR
(default .ferry), which one process owns at a time. ferry.yaml is optional.

Options:
  --port N        listen on port N (default server.port, 8080; 0 picks a free port)
  --host ADDR     listen on ADDR (default server.host, 127.0.0.1)
  --data DIR      the embedded store's directory (default .ferry, or $FERRY_DATA)
  --config FILE   configuration (default ferry.yaml when present)
  --json          print the ready line as {"url","store","backend","pid"}

Logs are JSON lines (pino) on stderr. SIGTERM or SIGINT stops it gracefully:
running jobs finish within server.worker.shutdown_grace_seconds or give their lease back.

Exit status: 0 stopped by a signal, 2 bad configuration, 3 the store or port failed
(the embedded store is owned by another process: one line names its pid).

Example:
  GITHUB_WEBHOOK_SECRET=... ferry serve --port 8080 --config ferry.yaml
`;

const command: Command = {
  name: 'serve',
  summary: 'run the service: webhooks, API, metrics and a worker',
  help: HELP,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    data: { type: 'string' },
    config: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const { config, dir } = await serviceConfig(io, args);
    const store = storeOptions(io, args);
    const port = intOption(args, 'port', 0, 65535) ?? config.server.port;
    const host = stringOpt(args.values.host) ?? config.server.host;
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
      http: { port, host },
      onReady(service, s) {
        const ready = { url: service.url, store: s.location, backend: s.backend, pid: process.pid };
        io.out(
          args.values.json
            ? `${JSON.stringify(ready)}\n`
            : `ferry serve: listening on ${service.url} (store: ${s.backend} ${s.location})\n`,
        );
      },
    });
    return EXIT.ok;
  },
};
export default command;
