import type { PickReport } from '../../engine/types.js';
import { type Command, EXIT, stringList, stringOpt, UsageError } from '../command.js';
import { paint, parseIdentity, short, table } from '../format.js';

const HELP = `Usage: ferry pick <commit>... --to <branch-or-commit>... [options]

Puts the commits on each target, in the order given, each onto the previous result —
without a work tree: the checked-out branch, the index and your files are never touched.
Unless --dry-run, each branch target gets a local branch with the result (default name
backport/<target>/<short sha>); a target given as a commit id is picked onto without
moving any branch.

Options:
  --to <branch|commit>   a target (repeat for several; picked concurrently)
  --repo <dir>           the repository (default: the current directory); bare mirrors work
  --cascade              targets are newest first; an older target first tries what the
                         newer one got as its source, then the original commit
  --dry-run              compute and report, move no branch (head is still reported)
  --branch-name <tmpl>   branch per target: {target}, {short}, {sha} (default
                         backport/{target}/{short})
  --push <remote>        push each branch made to <remote> (same name)
  --mainline <n>         for merge commits: the parent that is the mainline (default 1)
  --signoff              add Signed-off-by: for the committer
  --committer "N <e>"    commit as this identity (default: git's configured committer)
  --from <branch>        where the commits come from, for the "already there" check
                         (default: the main branch)
  --no-fallback          no second chance for conflicts that are only whitespace or
                         re-wrapped context (plain git cherry-pick behaviour)
  --no-check             do not ask the equivalence ladder first
  --json                 print the result object (see README, "JSON: ferry pick")

Exit status: 0 every target picked or already present; 1 a conflict on some target;
2 bad usage or input (nothing written); 3 git or Ferry failed.

Example:
  ferry pick 1a2b3c4d5e6f --to stable/2025.2 --to stable/2025.1 --cascade
`;

const command: Command = {
  name: 'pick',
  summary: 'put upstream commits on branches (no work tree needed)',
  help: HELP,
  allowPositionals: true,
  options: {
    to: { type: 'string', multiple: true },
    repo: { type: 'string' },
    cascade: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'branch-name': { type: 'string' },
    push: { type: 'string' },
    mainline: { type: 'string' },
    signoff: { type: 'boolean' },
    committer: { type: 'string' },
    from: { type: 'string' },
    'no-fallback': { type: 'boolean' },
    'no-check': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const commits = args.positionals;
    const targets = stringList(args.values.to);
    if (commits.length === 0)
      throw new UsageError('no commits given; usage: ferry pick <commit>... --to <branch>');
    if (targets.length === 0) throw new UsageError('no target given; add --to <branch> (repeat for several)');
    const mainlineText = stringOpt(args.values.mainline);
    const mainline = mainlineText === undefined ? undefined : Number(mainlineText);
    if (mainline !== undefined && (!Number.isInteger(mainline) || mainline < 1))
      throw new UsageError(`--mainline '${mainlineText}' is not a parent number (1, 2, ...)`);
    const committerText = stringOpt(args.values.committer);
    const committer = committerText ? parseIdentity(committerText, '--committer') : undefined;
    const { pick } = await import('../../engine/pick.js');
    const { openRepo } = await import('../../engine/repo-arg.js');
    const repo = await openRepo(stringOpt(args.values.repo), io.cwd);
    let signoff = null;
    if (args.values.signoff) {
      signoff = committer ?? (await committerIdentity(repo));
    }
    const pushRemote = stringOpt(args.values.push);
    if (pushRemote && args.values['dry-run']) throw new UsageError('--push and --dry-run do not go together');
    const report = await pick({
      repo,
      commits,
      targets,
      cascade: Boolean(args.values.cascade),
      dryRun: Boolean(args.values['dry-run']),
      branchName: stringOpt(args.values['branch-name']),
      mainline,
      committer,
      signoff,
      from: stringOpt(args.values.from),
      fallback: !args.values['no-fallback'],
      checkPresent: !args.values['no-check'],
      onProgress: io.progress,
    });
    if (pushRemote) {
      const { pushBranches } = await import('../../engine/push.js');
      await pushBranches(repo, pushRemote, report, io.progress);
    }
    if (args.values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else io.out(renderPick(report, io.isTTY));
    const statuses = report.targets.map((t) => t.status);
    if (statuses.includes('error')) return EXIT.failure;
    if (statuses.includes('conflict')) return EXIT.negative;
    return EXIT.ok;
  },
};

async function committerIdentity(repo: import('../../git/repo.js').Repo) {
  const r = await repo.run(['var', 'GIT_COMMITTER_IDENT'], { okExitCodes: [0, 128] });
  const m = /^(.*?) <(.*)> /.exec(r.stdout.toString('utf8'));
  if (!m)
    throw new UsageError('--signoff needs an identity: set git user.name/user.email or pass --committer');
  return { name: m[1]!, email: m[2]! };
}

export function renderPick(report: PickReport, tty: boolean): string {
  const c = paint(tty);
  const colourOf = { picked: 'green', present: 'blue', conflict: 'red', error: 'red' } as const;
  const rows = [['TARGET', 'STATUS', 'SOURCE', 'HEAD', 'BRANCH'].map((h) => c('bold', h))];
  for (const t of report.targets)
    rows.push([t.target, c(colourOf[t.status], t.status), t.source_used, short(t.head), t.branch ?? '-']);
  let out = table(rows);
  for (const t of report.targets) {
    const lines: string[] = [];
    for (const k of t.commits) {
      const how =
        k.status === 'present'
          ? `present (${k.via}${k.match && k.match !== k.commit ? ` ${short(k.match)}` : ''})`
          : k.status;
      const via =
        k.status === 'picked'
          ? ` via ${k.via}${k.source !== k.commit ? ` from ${short(k.source)}` : ''} → ${short(k.result)}`
          : '';
      lines.push(`  ${short(k.commit)}  ${how}${via}`);
    }
    for (const x of t.conflicts) {
      const hunks = x.hunks.map((h) => `${h.target.start}-${h.target.end}`).join(', ');
      lines.push(`  ${c('red', 'conflict')} ${x.kind}: ${x.path}${hunks ? ` (target lines ${hunks})` : ''}`);
    }
    if (t.prerequisites.length) {
      lines.push('  likely prerequisites, best first:');
      for (const p of t.prerequisites)
        lines.push(`    ${short(p.commit)} ${p.subject}\n      ${c('dim', p.reason)}`);
    }
    if (t.error) lines.push(`  ${c('red', 'error')}: ${t.error}`);
    if (lines.length) out += `\n${t.target}:\n${lines.join('\n')}\n`;
  }
  return out;
}

export default command;
