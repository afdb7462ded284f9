import { readFileSync } from 'node:fs';
import type { Command } from '../command.js';

const command: Command = {
  name: 'version',
  summary: 'print the version',
  help: 'Usage: ferry version [--json]\n\nPrints the version of Ferry.\n',
  options: { json: { type: 'boolean' } },
  async run(args, io) {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    if (args.values.json) io.out(`${JSON.stringify({ version: pkg.version })}\n`);
    else io.out(`ferry ${pkg.version}\n`);
    return 0;
  },
};
export default command;
