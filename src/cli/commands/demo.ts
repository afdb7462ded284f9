import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Command, EXIT, stringOpt, UsageError } from '../command.js';
import { paint } from '../format.js';

const HELP = `Usage: ferry demo [--dir DIR] [--json]

Runs the whole issue-driven backport flow on the embedded defaults, with nothing to set up:
PGlite, the built-in tracker, and the plain git forge pushing to a local bare repository.
In DIR (default: a new temporary directory, printed first) it builds an upstream
repository with two fixes and a downstream with two streams (2.0 and 1.0), files two
requests — one that applies cleanly, one that conflicts — runs the service until both
attempts end, and prints what happened and where to look: the bot branch, the stored
draft MR, the comments on each request.

Options:
  --dir DIR   where to build everything (created; must be empty or new)
  --json      print the outcome as JSON

Exit status: 0 one draft MR and one conflict report, as expected; 2 bad usage (--dir not
empty); 3 anything else.
`;

const command: Command = {
  name: 'demo',
  summary: 'run the whole flow on a built example (nothing to set up)',
  help: HELP,
  options: { dir: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const given = stringOpt(args.values.dir);
    const dir = given ? path.resolve(io.cwd, given) : await mkdtemp(path.join(tmpdir(), 'ferry-demo-'));
    if (given) {
      const entries = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return [];
        throw new UsageError(
          `--dir ${dir} cannot be read (${e.code ?? e.message}); give a new or empty directory`,
        );
      });
      if (entries.length > 0)
        throw new UsageError(
          `--dir ${dir} is not empty; give a new or empty directory (the demo builds repositories and a store there)`,
        );
    }
    const json = Boolean(args.values.json);
    const say = (line: string) => {
      if (!json) io.out(`${line}\n`);
    };
    say(`Ferry demo in ${dir}`);
    const [{ buildDemo }, { openStore }, { startService }, { createLogger }, builtin] = await Promise.all([
      import('../../workflows/demo.js'),
      import('../../store/open.js'),
      import('../../server/service.js'),
      import('../../server/log.js'),
      import('../../workflows/builtin-requests.js'),
      import('../../workflows/registered.js'),
    ]);
    const setup = await buildDemo({ dir, progress: (l) => say(`  ${l}`) });
    const dataDir = path.join(dir, '.ferry');
    const store = await openStore({ dataDir });
    const log = createLogger({ level: io.env.FERRY_LOG_LEVEL ?? 'warn' });
    const service = await startService({
      config: setup.config,
      store,
      env: io.env,
      log,
      worker: true,
      workDir: dataDir,
      workerOptions: { pollMs: 50 },
    });
    const filed: { key: string; stream: string; fix: string; expected: string }[] = [];
    let views: Awaited<ReturnType<typeof builtin.showBuiltinRequest>>[] = [];
    try {
      for (const r of setup.requests) {
        const { key } = await builtin.fileRequest(store, {
          fixVersion: r.stream,
          commits: [r.fix],
          title: r.title,
          requestedBy: 'demo',
        });
        say(`  filed ${key}: ${r.fix.slice(0, 12)} (${r.title}) to stream ${r.stream}`);
        filed.push({ key, stream: r.stream, fix: r.fix, expected: r.expected });
      }
      service.worker?.wake();
      say('  running the service until both attempts end ...');
      const deadline = Date.now() + 180_000;
      for (;;) {
        views = await Promise.all(filed.map((f) => builtin.showBuiltinRequest(store, f.key)));
        if (views.every((v) => v.attempts.some((a) => a.state !== 'queued' && a.state !== 'running'))) break;
        if (Date.now() > deadline) throw new Error('the attempts did not end within 180 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await service.stop();
      await store.close();
    }

    const outcomes = filed.map((f, i) => {
      const v = views[i]!;
      const a = v.attempts.at(-1)!;
      return {
        ...f,
        state: a.state,
        reason: a.reason,
        bot_branch: a.botBranch,
        mr: a.mrUrl,
        labels: v.labels,
        comments: v.comments.map((c) => c.body),
      };
    });
    const ok = outcomes.every((o) => o.state === o.expected);
    if (json) {
      io.out(
        `${JSON.stringify({ dir, upstream: setup.upstream, downstream: setup.downstream, store: dataDir, config: setup.configFile, requests: outcomes, ok }, null, 2)}\n`,
      );
      return ok ? EXIT.ok : EXIT.failure;
    }
    const c = paint(io.isTTY);
    say('');
    for (const o of outcomes) {
      const colour = o.state === 'opened' ? 'green' : o.state === 'conflicted' ? 'yellow' : 'red';
      say(
        `${c('bold', o.key)}  stream ${o.stream}  ${c(colour, o.state)}  labels: ${o.labels.join(', ') || '-'}`,
      );
      if (o.mr) say(`  draft MR (stored; plain git forge): ${o.mr}`);
      if (o.bot_branch && o.state === 'opened')
        say(`  bot branch: git -C ${setup.downstream} log --oneline stable/${o.stream}..${o.bot_branch}`);
      if (o.state !== 'opened' && o.reason) say(`  ${o.reason}`);
      say(`  comments and steps: ferry request show ${o.key} --data ${dataDir}`);
      const last = o.comments.at(-1);
      if (last) say(`  ${c('dim', `latest comment: ${last.split('\n')[0]}`)}`);
    }
    say('');
    say(`Configuration used: ${setup.configFile}`);
    say(
      ok
        ? 'One draft MR and one conflict report, as expected.'
        : c('red', 'The attempts did not end as expected.'),
    );
    return ok ? EXIT.ok : EXIT.failure;
  },
};

export default command;
