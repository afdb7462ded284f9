import path from 'node:path';
import type { RuleOutcome, Verdict } from '../../policy/types.js';
import { type CliIO, type Command, EXIT, stringList, stringOpt, UsageError } from '../command.js';

const HELP = `Usage: ferry check <commit>... --to <stream> [--config FILE] [--repo DIR] [--date YYYY-MM-DD] [--json]

Says whether the stable-branch policy allows the commits on a stream, rule by rule:
whether the stream takes backports at all, whether its support phase accepts this class
of change (phase I: all appropriate bug fixes; II: critical and security fixes; III:
security fixes only; documentation, tests, CI, configuration files and log-message
corrections are left to a maintainer), whether the change is forbidden on stable branches
(DB schema, external API, RPC API, notification payloads, incompatible configuration,
new dependencies, new features), and whether it is already on every newer stream.

Arguments:
  <commit>...            commits to judge (ids, tags, branches); a series is judged commit by commit

Options:
  --to STREAM            the target stream, by name or branch (required)
  --config FILE          the configuration (default: ferry.yaml in the current directory)
  --repo DIR             the repository holding the commits and the stream branches (default: .)
  --date YYYY-MM-DD      judge as on this day (default: today); phases move with time
  --in-review STREAM     the commits are in review on this newer stream (repeatable)
  --cve ID               tracker data: the request's tracker links this CVE (repeatable)
  --severity NAME        tracker data: severity, priority or importance (Critical, High, Wishlist)
  --label NAME           tracker data: a label on the request's issue (repeatable)
  --tracker-type NAME    tracker data: the issue type (Bug, Story, Vulnerability)
  --json                 print the verdict as JSON (documented in docs/policy.md)
  -h, --help             this help

Exit status: 0 allowed (also with notes for reviewers), 1 refused, 2 bad usage or input,
3 failure of Ferry or git.

Example:
  ferry check 4f2a9c1 --to 2025.1 --config ferry.yaml
`;

const command: Command = {
  name: 'check',
  summary: 'may these commits go to that stream? (stable-branch policy)',
  help: HELP,
  allowPositionals: true,
  options: {
    to: { type: 'string' },
    config: { type: 'string' },
    repo: { type: 'string' },
    date: { type: 'string' },
    'in-review': { type: 'string', multiple: true },
    cve: { type: 'string', multiple: true },
    severity: { type: 'string' },
    label: { type: 'string', multiple: true },
    'tracker-type': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const to = stringOpt(args.values.to);
    if (!to) throw new UsageError("missing --to <stream>; see 'ferry check --help'");
    if (args.positionals.length === 0)
      throw new UsageError("give at least one commit; see 'ferry check --help'");
    const date = stringOpt(args.values.date);
    if (date !== undefined && !isCalendarDay(date))
      throw new UsageError(`--date '${date}' is not a date; expected YYYY-MM-DD`);
    const configFile = path.resolve(io.cwd, stringOpt(args.values.config) ?? 'ferry.yaml');
    const repoDir = path.resolve(io.cwd, stringOpt(args.values.repo) ?? '.');

    const [{ loadConfig }, { Repo }, { checkCommits }, { status }] = await Promise.all([
      import('../../config/load.js'),
      import('../../git/repo.js'),
      import('../../workflows/check.js'),
      import('../../engine/status.js'),
    ]);
    const { config } = loadConfig(configFile);
    const repo = await Repo.open(repoDir);
    const tracker = {
      cves: stringList(args.values.cve),
      labels: stringList(args.values.label),
      severity: stringOpt(args.values.severity),
      type: stringOpt(args.values['tracker-type']),
    };
    const verdict = await checkCommits({
      repo,
      config,
      commits: args.positionals,
      to,
      now: date ?? new Date(),
      presence: status,
      inReview: stringList(args.values['in-review']).map((stream) => ({ stream })),
      tracker,
    });
    if (args.values.json) io.out(`${JSON.stringify(verdict, null, 2)}\n`);
    else io.out(renderVerdict(verdict, io));
    return verdict.decision === 'refuse' ? EXIT.negative : EXIT.ok;
  },
};
export default command;

function isCalendarDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

const PHASES: Record<string, string> = {
  'phase-1': 'phase I',
  'phase-2': 'phase II',
  'phase-3': 'phase III',
};

/** The verdict as a person reads it: the decision, the target, the commits, then every rule. */
export function renderVerdict(v: Verdict, io: Pick<CliIO, 'isTTY'>): string {
  const paint = (text: string, code: number): string => (io.isTTY ? `\x1b[${code}m${text}\x1b[0m` : text);
  const DECISION: Record<Verdict['decision'], string> = {
    allow: paint('ALLOW', 32),
    'allow-with-note': paint('ALLOW WITH NOTES', 33),
    refuse: paint('REFUSE', 31),
  };
  const OUTCOME: Record<RuleOutcome['outcome'], string> = {
    pass: 'pass',
    note: 'note',
    refuse: 'REFUSE',
    skip: 'skip',
  };
  const t = v.target;
  const life = [t.state, t.release_date ? `released ${t.release_date}` : 'no release date'];
  const phase = PHASES[t.phase];
  if (phase) life.push(phase);
  const out: string[] = [
    `${DECISION[v.decision]}  ${v.summary}`,
    `target: ${t.stream} (${t.branch}), ${life.join(', ')}, judged on ${v.date}`,
    '',
  ];
  out.push(
    ...table(
      ['commit', 'classes', 'subject'],
      v.commits.map((c) => [c.commit.slice(0, 12), c.classes.join(', '), c.subject]),
    ),
  );
  out.push('');
  out.push(
    ...table(
      ['rule', 'commit', 'outcome', 'reason'],
      v.rules.map((r) => [
        r.rule,
        r.commit ? r.commit.slice(0, 12) : '-',
        r.outcome === 'refuse' ? paint(OUTCOME[r.outcome], 31) : OUTCOME[r.outcome],
        r.reason,
      ]),
    ),
  );
  return `${out.join('\n')}\n`;
}

function table(header: string[], rows: string[][]): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes do not take up columns
  const width = (s: string): number => s.replace(/\x1b\[\d+m/g, '').length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - width(c))))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
