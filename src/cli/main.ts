#!/usr/bin/env node
import { EXIT } from './command.js';
import { runCli } from './run.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`ferry: ${(e as Error).stack ?? e}\n`);
    process.exitCode = EXIT.failure;
  },
);
