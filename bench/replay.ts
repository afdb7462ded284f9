/**
 * Replay benchmark on real history (issue 2): every human backport on nova's and neutron's
 * stable branches, replayed by Ferry and by plain `git cherry-pick` in a work tree, in the
 * same run.
 *
 *   npx tsx bench/replay.ts [--repo nova|neutron]... [--limit N] [--stride K] [--no-git]
 *                           [--mode plain|smart|both] [--json FILE]
 *
 * Repositories: FERRY_BENCH_NOVA / FERRY_BENCH_NEUTRON, else the mirrors fetched to
 * /work/.mirror/openstack+<name>/repo, else bench/.cache/<name>.git. Nothing from them is
 * ever committed. A case is a commit B on a stable branch whose message says
 * `(cherry picked from commit X)`: pick X onto B's first parent P and compare with B's tree.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pick } from '../src/engine/pick.js';
import { status } from '../src/engine/status.js';
import { readCommits } from '../src/git/commits.js';
import { Repo } from '../src/git/repo.js';

interface Case {
  backport_sha: string;
  parent: string;
  upstream_sha: string;
  upstream_shas: string[];
  source_sha: string | null;
  source_is_upstream: boolean;
  multi_commit: boolean;
  human_tree: string;
  series: string;
  backport_time: number;
  X_exists: boolean;
  X_parents: number | null;
  branch: string;
}

type Verdict = 'clean' | 'empty' | 'conflict' | 'error';
interface Outcome {
  verdict: Verdict;
  tree: string | null;
  ms: number;
  via?: string;
}

const { values } = parseArgs({
  options: {
    repo: { type: 'string', multiple: true },
    limit: { type: 'string' },
    stride: { type: 'string' },
    'no-git': { type: 'boolean' },
    mode: { type: 'string', default: 'both' },
    json: { type: 'string' },
    quiet: { type: 'boolean' },
  },
});

const DATA = path.resolve(import.meta.dirname, '../../shared/data/replay');
const names = values.repo?.length ? values.repo : ['nova', 'neutron'];
const mode = values.mode as 'plain' | 'smart' | 'both';

function locate(name: string): string {
  const env = process.env[`FERRY_BENCH_${name.toUpperCase()}`];
  const candidates = [
    env,
    `/work/.mirror/openstack+${name}/repo`,
    path.resolve(import.meta.dirname, `.cache/${name}.git`),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  throw new Error(
    `no clone of openstack/${name}: set FERRY_BENCH_${name.toUpperCase()} to a clone (git clone --mirror https://opendev.org/openstack/${name})`,
  );
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.org',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.org',
  LC_ALL: 'C',
};

function sh(cwd: string, args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', maxBuffer: 1 << 30 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A work tree sharing the mirror's objects, for plain git to work in. */
function workTree(name: string, mirror: string): string {
  const dir = path.resolve(import.meta.dirname, `.cache/${name}-worktree`);
  if (!existsSync(path.join(dir, '.git'))) {
    mkdirSync(path.dirname(dir), { recursive: true });
    execFileSync('git', ['clone', '-q', '--shared', '--no-checkout', mirror, dir], { env: GIT_ENV });
  }
  return dir;
}

function gitCherryPick(wt: string, c: Case): Outcome & { checkoutMs: number } {
  sh(wt, ['cherry-pick', '--abort']);
  const t0 = performance.now();
  const co = sh(wt, ['checkout', '-q', '-f', '--detach', c.parent]);
  const t1 = performance.now();
  if (co.code !== 0) return { verdict: 'error', tree: null, ms: 0, checkoutMs: t1 - t0 };
  // Ferry picks a merge against its first parent (the documented default); git needs -m 1 for that.
  const r = sh(wt, ['cherry-pick', '-x', ...((c.X_parents ?? 1) > 1 ? ['-m', '1'] : []), c.upstream_sha]);
  const t2 = performance.now();
  let verdict: Verdict;
  let tree: string | null = null;
  if (r.code === 0) {
    verdict = 'clean';
    tree = sh(wt, ['rev-parse', 'HEAD^{tree}']).out.trim();
  } else if (/empty/.test(r.err + r.out) && !/CONFLICT/.test(r.out)) verdict = 'empty';
  else if (/CONFLICT|could not apply/.test(r.out + r.err)) verdict = 'conflict';
  else verdict = 'error';
  if (verdict !== 'clean') sh(wt, ['cherry-pick', '--abort']);
  if (verdict === 'empty') tree = sh(wt, ['rev-parse', 'HEAD^{tree}']).out.trim();
  return { verdict, tree, ms: t2 - t1, checkoutMs: t1 - t0 };
}

/** OpenStack's release series, oldest first: the order streams are cascaded in. */
const SERIES = [
  'austin',
  'bexar',
  'cactus',
  'diablo',
  'essex',
  'folsom',
  'grizzly',
  'havana',
  'icehouse',
  'juno',
  'kilo',
  'liberty',
  'mitaka',
  'newton',
  'ocata',
  'pike',
  'queens',
  'rocky',
  'stein',
  'train',
  'ussuri',
  'victoria',
  'wallaby',
  'xena',
  'yoga',
  'zed',
  '2023.1',
  '2023.2',
  '2024.1',
  '2024.2',
  '2025.1',
  '2025.2',
  '2026.1',
];

/**
 * The newer stable branch as it stood when a backport was made: what `--cascade` has as
 * its newer target. Never anything newer than the backport itself.
 */
class NewerBranches {
  private chains = new Map<string, { commit: string; time: number }[]>();
  constructor(
    private readonly dir: string,
    private readonly refOf: Map<string, string>,
  ) {}

  private chain(series: string): { commit: string; time: number }[] {
    let c = this.chains.get(series);
    if (!c) {
      const out = sh(this.dir, [
        'rev-list',
        '--first-parent',
        '--format=%ct',
        this.refOf.get(series)!,
        '--not',
        'master',
      ]).out;
      c = [];
      const lines = out.split('\n');
      for (let i = 0; i + 1 < lines.length; i += 2)
        c.push({ commit: lines[i]!.replace('commit ', ''), time: Number(lines[i + 1]) });
      this.chains.set(series, c);
    }
    return c;
  }

  /** Every newer branch as it stood at `time`, nearest first. */
  statesAt(series: string, time: number): { series: string; commit: string }[] {
    const i = SERIES.indexOf(series);
    if (i < 0) return [];
    const out: { series: string; commit: string }[] = [];
    for (const newer of SERIES.slice(i + 1).filter((s) => this.refOf.has(s))) {
      const hit = this.chain(newer).find((e) => e.time <= time);
      if (hit) out.push({ series: newer, commit: hit.commit });
    }
    return out;
  }
}

async function ferryPick(
  repo: Repo,
  c: Case,
  smart: boolean,
  committedAt: Map<string, number>,
  newer: NewerBranches | null,
): Promise<Outcome> {
  let commits = [c.upstream_sha];
  const sources: Record<string, string[]> = {};
  const later: Record<string, string[]> = {};
  const t0 = performance.now();
  if (smart) {
    if (c.multi_commit && c.upstream_shas.length > 1)
      commits = [...c.upstream_shas].sort((a, b) => (committedAt.get(a) ?? 0) - (committedAt.get(b) ?? 0));
    else if (c.source_sha && c.source_sha !== c.upstream_sha) sources[c.upstream_sha] = [c.source_sha];
    // --cascade: the newer branches (as they were then) may already carry a backport the ladder
    // finds; the nearest newer one is tried first, the others only after the original.
    const states = newer?.statesAt(c.series, c.backport_time) ?? [];
    if (states.length) {
      const found = await status({
        repo,
        commits,
        branches: states.map((st) => st.commit),
        from: 'master',
        lowest: 'patch-id',
      });
      for (const e of found.entries) {
        if (e.state !== 'present' || !e.match || e.match === e.commit) continue;
        const bucket = e.branch === states[0]!.commit ? sources : later;
        bucket[e.commit] = [...new Set([...(bucket[e.commit] ?? []), e.match])];
      }
    }
  }
  try {
    const r = await pick({
      repo,
      commits,
      targets: [c.parent],
      dryRun: true,
      checkPresent: false,
      findPrerequisites: false,
      fallback: smart,
      sources,
      fallbackSources: later,
      committer: { name: 'Bench', email: 'bench@example.org' },
      now: new Date(0),
    });
    const ms = performance.now() - t0;
    const t = r.targets[0]!;
    if (t.status === 'error') return { verdict: 'error', tree: null, ms };
    if (t.status === 'conflict') return { verdict: 'conflict', tree: null, ms };
    const vias = t.commits.map((x) => x.via ?? x.status).join('+');
    if (t.status === 'present') return { verdict: 'empty', tree: await treeOf(repo, t.head!), ms, via: vias };
    return { verdict: 'clean', tree: await treeOf(repo, t.head!), ms, via: vias };
  } catch (e) {
    return {
      verdict: 'error',
      tree: null,
      ms: performance.now() - t0,
      via: (e as Error).message.slice(0, 80),
    };
  }
}

async function treeOf(repo: Repo, commit: string): Promise<string> {
  return (await readCommits(repo, [commit]))[0]!.tree;
}

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : '-');

function hasMarkers(repo: string, base: string, tree: string): boolean {
  const r = sh(repo, ['diff-tree', '-p', '--no-renames', base, tree]);
  return /^\+(<{7}|>{7}|\|{7})( |$)|^\+={7}$/m.test(r.out);
}

interface Tally {
  cases: number;
  clean: number;
  empty: number;
  conflict: number;
  error: number;
  identical: number;
  ms: number[];
  via: Record<string, number>;
  markers: number;
}
const tally = (): Tally => ({
  cases: 0,
  clean: 0,
  empty: 0,
  conflict: 0,
  error: 0,
  identical: 0,
  ms: [],
  via: {},
  markers: 0,
});

function count(t: Tally, o: Outcome, human: string) {
  t.cases++;
  t[o.verdict]++;
  if (o.tree === human) t.identical++;
  t.ms.push(o.ms);
  if (o.via) t.via[o.via] = (t.via[o.via] ?? 0) + 1;
}

const report: Record<string, unknown> = {};
for (const name of names) {
  const mirror = locate(name);
  const repo = await Repo.open(mirror);
  let cases: Case[] = readFileSync(path.join(DATA, `openstack-${name}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const total = cases.length;
  const refOf = new Map<string, string>();
  for (const c of cases) refOf.set(c.series, c.branch);
  const stride = Number(values.stride ?? 1);
  if (stride > 1) cases = cases.filter((_, i) => i % stride === 0);
  if (values.limit) cases = cases.slice(0, Number(values.limit));

  // Commit times, for ordering multi-commit backports oldest first.
  const wanted = [...new Set(cases.flatMap((c) => (c.X_exists ? c.upstream_shas : [])))];
  const committedAt = new Map<string, number>();
  if (wanted.length) {
    const out = spawnSync('git', ['log', '--no-walk=unsorted', '--stdin', '--format=%H %ct'], {
      cwd: mirror,
      input: wanted.join('\n'),
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    }).stdout;
    for (const l of out.split('\n')) {
      const [h, t] = l.split(' ');
      if (h && t) committedAt.set(h, Number(t));
    }
  }

  const wt = values['no-git'] ? null : workTree(name, mirror);
  const newer = new NewerBranches(mirror, refOf);
  const plain = tally();
  const smart = tally();
  const git = tally();
  const checkoutMs: number[] = [];
  let verdictAgree = 0;
  let treeAgree = 0;
  const disagreements: unknown[] = [];
  const misses: unknown[] = [];
  const started = performance.now();
  for (const [i, c] of cases.entries()) {
    if (!c.X_exists) {
      const miss: Outcome = { verdict: 'error', tree: null, ms: 0 };
      if (mode !== 'smart') count(plain, miss, c.human_tree);
      if (mode !== 'plain') count(smart, miss, c.human_tree);
      if (wt) {
        count(git, miss, c.human_tree);
        verdictAgree++;
        treeAgree++;
      }
      continue;
    }
    // Who goes first alternates, so the page cache favours neither side.
    const gitFirst = i % 2 === 1;
    let g: (Outcome & { checkoutMs: number }) | null = null;
    if (wt && gitFirst) g = gitCherryPick(wt, c);
    let p: Outcome | null = null;
    if (mode !== 'smart') {
      p = await ferryPick(repo, c, false, committedAt, null);
      count(plain, p, c.human_tree);
    }
    if (mode !== 'plain') {
      const s = await ferryPick(repo, c, true, committedAt, newer);
      count(smart, s, c.human_tree);
      if (
        s.verdict === 'clean' &&
        s.tree &&
        s.via &&
        /whitespace|apply-3way/.test(s.via) &&
        hasMarkers(mirror, c.parent, s.tree)
      )
        smart.markers++;
      if (s.tree !== c.human_tree)
        misses.push({
          case: c.backport_sha,
          x: c.upstream_sha,
          verdict: s.verdict,
          via: s.via ?? null,
          plain: p?.tree === c.human_tree,
        });
    }
    if (wt && !gitFirst) g = gitCherryPick(wt, c);
    if (g) {
      count(git, g, c.human_tree);
      checkoutMs.push(g.checkoutMs);
      if (p) {
        const sameVerdict = p.verdict === g.verdict;
        if (sameVerdict) verdictAgree++;
        if (p.tree === g.tree) treeAgree++;
        if (!sameVerdict || p.tree !== g.tree)
          disagreements.push({
            case: c.backport_sha,
            x: c.upstream_sha,
            ferry: p.verdict,
            git: g.verdict,
            ferryTree: p.tree,
            gitTree: g.tree,
          });
      }
    }
    if (!values.quiet && (i + 1) % 100 === 0) {
      const el = (performance.now() - started) / 1000;
      process.stderr.write(`${name}: ${i + 1}/${cases.length} cases, ${el.toFixed(0)} s\n`);
    }
  }

  const line = (label: string, t: Tally) =>
    `  ${label.padEnd(22)} clean ${pct(t.clean, t.cases).padStart(7)}  identical-to-human ${pct(t.identical, t.cases).padStart(7)}  conflict ${pct(t.conflict, t.cases).padStart(7)}  empty ${pct(t.empty, t.cases).padStart(6)}  error ${pct(t.error, t.cases).padStart(6)}  median ${median(t.ms).toFixed(1)} ms`;
  console.log(
    `\nopenstack/${name}: ${cases.length} of ${total} cases${stride > 1 ? ` (every ${stride}th)` : ''}`,
  );
  if (mode !== 'smart') console.log(line('ferry plain', plain));
  if (mode !== 'plain') console.log(line('ferry smart', smart));
  if (wt) {
    console.log(line('git cherry-pick', git));
    const gitPlusCheckout = median(git.ms.map((m, i) => m + (checkoutMs[i] ?? 0)));
    console.log(`  git checkout of the target before each pick: median ${median(checkoutMs).toFixed(1)} ms`);
    if (mode !== 'smart') {
      console.log(
        `  ferry plain vs git: verdict agrees ${verdictAgree}/${cases.length}, tree agrees ${treeAgree}/${cases.length}; median ${median(plain.ms).toFixed(1)} ms vs ${median(git.ms).toFixed(1)} ms (cherry-pick alone) = 1/${(median(git.ms) / median(plain.ms)).toFixed(1)}, vs ${gitPlusCheckout.toFixed(1)} ms (checkout + cherry-pick) = 1/${(gitPlusCheckout / median(plain.ms)).toFixed(1)}`,
      );
    }
  }
  if (mode !== 'plain') {
    console.log(`  smart: how commits applied: ${JSON.stringify(smart.via)}`);
    console.log(`  smart: clean results holding conflict markers: ${smart.markers}`);
  }
  report[name] = {
    cases: cases.length,
    total,
    plain,
    smart,
    git,
    checkoutMs: median(checkoutMs),
    verdictAgree,
    treeAgree,
    disagreements,
    misses,
  };
}
if (values.json)
  writeFileSync(
    values.json,
    JSON.stringify(report, (k, v) => (k === 'ms' ? undefined : v), 2),
  );
