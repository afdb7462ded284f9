import type { StatusReport } from '../../engine/types.js';
import { type Command, EXIT, stringList, stringOpt, UsageError } from '../command.js';
import { paint, short, table } from '../format.js';

const HELP = `Usage: ferry status <commit>... --branches <branch>... [options]

For every commit and branch: is the change already there, and how do we know? The
equivalence ladder answers, strongest rung first:
  ancestor        the commit itself is on the branch
  provenance      a commit on the branch names it: "(cherry picked from commit X)",
                  "commit X upstream.", "[ Upstream commit X ]", "Backport of X from main"
  patch-id        a commit on the branch has the same git patch-id --stable
  subject-author  a commit on the branch has the same subject and author (weak: likely,
                  not proven)

Options:
  --branches <b>     a branch or commit to look on (repeat; also --branch)
  --repo <dir>       the repository (default: the current directory)
  --from <branch>    where the commits come from (default: the main branch)
  --strong           leave out weak subject+author matches
  --json             print the result object (see README, "JSON: ferry status")

Exit status: 0 every commit is present on every branch; 1 something is missing;
2 bad usage or input; 3 failure.

Example:
  ferry status 1a2b3c4d 5e6f7a8b --branches stable/2025.2 --branches stable/2025.1
`;

const command: Command = {
  name: 'status',
  summary: 'is this change already on those branches, and how do we know',
  help: HELP,
  allowPositionals: true,
  options: {
    branches: { type: 'string', multiple: true },
    branch: { type: 'string', multiple: true },
    repo: { type: 'string' },
    from: { type: 'string' },
    strong: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const commits = args.positionals;
    const branches = [...stringList(args.values.branches), ...stringList(args.values.branch)];
    if (commits.length === 0)
      throw new UsageError('no commits given; usage: ferry status <commit>... --branches <branch>...');
    if (branches.length === 0)
      throw new UsageError('no branch given; add --branches <branch> (repeat for several)');
    const { status } = await import('../../engine/status.js');
    const { openRepo } = await import('../../engine/repo-arg.js');
    const report = await status({
      repo: await openRepo(stringOpt(args.values.repo), io.cwd),
      commits,
      branches,
      from: stringOpt(args.values.from),
      lowest: args.values.strong ? 'patch-id' : undefined,
      onProgress: io.progress,
    });
    io.out(args.values.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report, io.isTTY));
    return report.entries.every((e) => e.state === 'present') ? EXIT.ok : EXIT.negative;
  },
};

export function renderStatus(report: StatusReport, tty: boolean): string {
  const c = paint(tty);
  const cell = new Map(report.entries.map((e) => [`${e.commit}\0${e.branch}`, e]));
  const rows = [
    [c('bold', 'COMMIT'), ...report.branches.map((b) => c('bold', b.branch)), c('bold', 'SUBJECT')],
  ];
  for (const k of report.commits) {
    const cells = report.branches.map((b) => {
      const e = cell.get(`${k.commit}\0${b.branch}`);
      if (!e || e.state === 'missing') return c('red', 'missing');
      const text = e.via === 'ancestor' ? 'ancestor' : `${e.via} ${short(e.match)}`;
      return c(e.weak ? 'yellow' : 'green', e.weak ? `${text}?` : text);
    });
    rows.push([short(k.commit), ...cells, k.subject]);
  }
  return table(rows);
}

export default command;
