import type { DepsReport } from '../../engine/types.js';
import { type Command, EXIT, stringOpt, UsageError } from '../command.js';
import { paint, short } from '../format.js';

const HELP = `Usage: ferry deps <commit>... --to <branch> [options]

What else the backport needs:
  prerequisites  commits on the source since the branch point that changed the lines
                 the fix's context expects and are missing on the target, best first
                 (found by trying the pick; empty when it applies cleanly)
  follow-ups     later commits whose "Fixes:" trailer names the commit (or any commit in
                 the set), and reverts of it, followed recursively; each says whether the
                 target already has it

Options:
  --to <branch>     the target branch (or commit)
  --repo <dir>      the repository (default: the current directory)
  --from <branch>   where the commits come from (default: the main branch)
  --mainline <n>    for merge commits: the mainline parent (default 1)
  --json            print the result object (see README, "JSON: ferry deps")

Exit status: 0 answered; 2 bad usage or input; 3 failure.

Example:
  ferry deps cc9bc24229f1 --to stable/juno
`;

const command: Command = {
  name: 'deps',
  summary: 'prerequisites and follow-up fixes of a backport',
  help: HELP,
  allowPositionals: true,
  options: {
    to: { type: 'string' },
    repo: { type: 'string' },
    from: { type: 'string' },
    mainline: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const to = stringOpt(args.values.to);
    if (args.positionals.length === 0)
      throw new UsageError('no commits given; usage: ferry deps <commit>... --to <branch>');
    if (!to) throw new UsageError('no target given; add --to <branch>');
    const mainlineText = stringOpt(args.values.mainline);
    const mainline = mainlineText === undefined ? undefined : Number(mainlineText);
    if (mainline !== undefined && (!Number.isInteger(mainline) || mainline < 1))
      throw new UsageError(`--mainline '${mainlineText}' is not a parent number (1, 2, ...)`);
    const { deps } = await import('../../engine/deps.js');
    const { openRepo } = await import('../../engine/repo-arg.js');
    const report = await deps({
      repo: await openRepo(stringOpt(args.values.repo), io.cwd),
      commits: args.positionals,
      to,
      from: stringOpt(args.values.from),
      mainline,
      onProgress: io.progress,
    });
    io.out(args.values.json ? `${JSON.stringify(report, null, 2)}\n` : renderDeps(report, io.isTTY));
    return EXIT.ok;
  },
};

export function renderDeps(r: DepsReport, tty: boolean): string {
  const c = paint(tty);
  let out = `${c('bold', 'Prerequisites')} for ${r.commits.map(short).join(' ')} on ${r.target}:\n`;
  if (r.prerequisites.length === 0)
    out += '  none: the pick applies cleanly, or nothing on the source explains the conflict\n';
  r.prerequisites.forEach((p, i) => {
    out += `  ${i + 1}. ${short(p.commit)} ${p.subject}\n     ${c('dim', p.reason)}\n`;
  });
  out += `${c('bold', 'Follow-ups')}:\n`;
  if (r.follow_ups.length === 0) out += '  none found\n';
  for (const f of r.follow_ups)
    out += `  ${short(f.commit)} ${f.subject}\n     ${c('dim', `${f.reason}; ${f.present ? `already on ${r.target}` : `missing on ${r.target}`}`)}\n`;
  return out;
}

export default command;
