import { parseArgs } from 'node:util';
import { type CliIO, EXIT, UsageError } from './command.js';
import { COMMANDS } from './commands.js';

const GLOBAL_HELP = `Ferry carries fixes from where they land to the branches people still run.

Usage: ferry <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Every command takes --help and --json.
Exit status: 0 done, 1 a negative answer (conflict, refusal), 2 bad usage or input, 3 failure.
`;

export function defaultIO(): CliIO {
  const progressOn = process.stderr.isTTY || process.env.FERRY_PROGRESS === '1';
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    progress: (t) => {
      if (progressOn) process.stderr.write(`${t}\n`);
    },
    cwd: process.cwd(),
    env: process.env,
  };
}

/** Runs one command line; returns the exit status. Exported for tests and embedding. */
export async function runCli(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(GLOBAL_HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') return runCli(['version', ...rest], io);
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`ferry: unknown command '${name}'; run 'ferry --help' for the list\n`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return EXIT.ok;
  }
  const json = rest.includes('--json');
  try {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: rest,
        options: command.options,
        allowPositionals: command.allowPositionals ?? false,
        strict: true,
      });
    } catch (e) {
      // node's parseArgs explains over several lines; one line is enough here.
      const first = (e as Error).message.split('\n')[0]!.replace(/\.$/, '');
      throw new UsageError(`${first}; see 'ferry ${name} --help'`);
    }
    return await command.run(parsed as Parameters<typeof command.run>[0], io);
  } catch (e) {
    return reportError(e, name, json, io);
  }
}

/**
 * A statement the database refused (drizzle's query error, which carries the SQL, every
 * parameter, and the database's answer as its cause): the answer and the statement's start,
 * not pages of SQL and request bodies.
 */
function storeFailure(e: unknown): string | null {
  const q = e as { query?: unknown; cause?: unknown } | null;
  if (typeof q?.query !== 'string' || !(q.cause instanceof Error)) return null;
  return `the store refused '${q.query.split(/\s+/).slice(0, 3).join(' ')} …': ${q.cause.message}`;
}

function reportError(e: unknown, name: string, json: boolean, io: CliIO): number {
  const err = e as Error & { exitCode?: number; input?: string; stderr?: string };
  const code = typeof err.exitCode === 'number' ? err.exitCode : EXIT.failure;
  const message = storeFailure(e) ?? err?.message ?? String(e);
  if (json) {
    const body: Record<string, unknown> = { error: { kind: err?.name ?? 'Error', message } };
    if (err.input !== undefined) (body.error as Record<string, unknown>).input = err.input;
    io.out(`${JSON.stringify(body)}\n`);
  }
  io.err(`ferry ${name}: ${message}\n`);
  if (code === EXIT.failure && process.env.FERRY_DEBUG) io.err(`${err?.stack ?? ''}\n${err?.stderr ?? ''}\n`);
  return code;
}
