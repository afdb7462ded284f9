import path from 'node:path';
import type { Command } from '../command.js';
import { EXIT, stringOpt, UsageError } from '../command.js';

const HELP = `Usage: ferry config check [--config FILE] [--json]
       ferry config schema

check   Validates the configuration file (default: ferry.yaml in the current directory)
        and prints every problem as FILE:LINE:COLUMN: PATH: MESSAGE.
schema  Prints the JSON Schema of ferry.yaml, for editor completion, e.g. with the YAML
        language server: # yaml-language-server: $schema=./ferry.schema.json

Options:
  --config FILE   the file to check (default ferry.yaml)
  --json          check: print {"file", "ok", "problems": [{"path","line","column","message"}]}

Exit status: 0 valid, 2 invalid or unreadable (every problem is listed).

Example:
  ferry config check --config deploy/ferry.yaml
  ferry config schema > ferry.schema.json
`;

const command: Command = {
  name: 'config',
  summary: 'check ferry.yaml, or print its JSON Schema',
  help: HELP,
  options: { config: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run(args, io) {
    const [sub, ...extra] = args.positionals;
    if (extra.length > 0)
      throw new UsageError(`unexpected argument '${extra[0]}'; see 'ferry config --help'`);
    if (sub === 'schema') {
      const { configJsonSchema } = await import('../../config/json-schema.js');
      io.out(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
      return EXIT.ok;
    }
    if (sub !== 'check') {
      throw new UsageError(
        `${sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`}; expected check or schema`,
      );
    }
    const { ConfigError, formatProblem, loadConfig } = await import('../../config/load.js');
    const given = stringOpt(args.values.config) ?? 'ferry.yaml';
    const file = path.resolve(io.cwd, given);
    try {
      loadConfig(file);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      if (args.values.json) io.out(`${JSON.stringify({ file: given, ok: false, problems: e.problems })}\n`);
      for (const p of e.problems) io.err(`${formatProblem(given, p)}\n`);
      return EXIT.usage;
    }
    if (args.values.json) io.out(`${JSON.stringify({ file: given, ok: true, problems: [] })}\n`);
    else io.out(`${given}: ok\n`);
    return EXIT.ok;
  },
};
export default command;
