/**
 * Forbidden-change detectors against real history (issue 5): every human backport on
 * nova's and neutron's stable branches was accepted by stable maintainers, so a refusal by
 * a detector is either a false positive or one of the exceptions the stable team granted.
 * Prints, per detector, how many backports it refuses and notes, with examples to read.
 *
 *   npx tsx bench/policy-replay.ts [--repo nova|neutron]... [--since YYYY] [--examples N]
 *
 * Repositories: FERRY_BENCH_NOVA / FERRY_BENCH_NEUTRON, else /work/.mirror/openstack+<name>/repo.
 * Nothing from them is ever committed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readChanges } from '../src/git/changes.js';
import { readCommits } from '../src/git/commits.js';
import { Repo } from '../src/git/repo.js';
import { classify } from '../src/policy/classify.js';
import { runDetector } from '../src/policy/forbidden/detector.js';
import { DETECTORS } from '../src/policy/forbidden/index.js';
import { resolvePolicy } from '../src/policy/settings.js';

const { values } = parseArgs({
  options: {
    repo: { type: 'string', multiple: true },
    since: { type: 'string', default: '2016' },
    examples: { type: 'string', default: '3' },
  },
});

const DATA = path.resolve(import.meta.dirname, '../../shared/data/replay');
const names = values.repo?.length ? values.repo : ['nova', 'neutron'];
const since = Date.UTC(Number(values.since), 0, 1) / 1000;
const examples = Number(values.examples);
const policy = resolvePolicy({ profile: 'openstack-python' });

function locate(name: string): string {
  const env = process.env[`FERRY_BENCH_${name.toUpperCase()}`];
  if (env) return env;
  const mirror = `/work/.mirror/openstack+${name}/repo`;
  if (existsSync(mirror)) return mirror;
  throw new Error(`no clone of openstack/${name}: set FERRY_BENCH_${name.toUpperCase()}`);
}

for (const name of names) {
  const rows = readFileSync(path.join(DATA, `openstack-${name}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { backport_sha: string; backport_time: number; branch: string })
    .filter((r) => r.backport_time >= since);
  const repo = await Repo.open(locate(name));
  const oids = rows.map((r) => r.backport_sha);
  const t0 = performance.now();
  const changes = await readChanges(repo, oids);
  const t1 = performance.now();
  const commits = await readCommits(repo, oids);
  const counts = new Map<string, { refuse: number; note: number; shown: string[] }>();
  const classes = new Map<string, number>();
  let refusedAny = 0;
  const t2 = performance.now();
  for (let i = 0; i < changes.length; i++) {
    const change = { commit: oids[i]!, message: commits[i]!.message, files: changes[i]!.files };
    const c = classify(change, policy);
    for (const k of c.classes) classes.set(k, (classes.get(k) ?? 0) + 1);
    const feature = c.evidence.filter((e) => e.class === 'feature').map((e) => e.why);
    let refused = false;
    for (const d of DETECTORS) {
      const r = runDetector(d, change, policy, feature);
      const entry = counts.get(d.id) ?? { refuse: 0, note: 0, shown: [] };
      if (r.outcome === 'refuse') {
        refused = true;
        entry.refuse++;
        if (entry.shown.length < examples)
          entry.shown.push(
            `${rows[i]!.branch} ${oids[i]!.slice(0, 10)} ${c.subject.slice(0, 60)}\n        ${r.reason.slice(0, 220)}`,
          );
      } else if (r.outcome === 'note') entry.note++;
      counts.set(d.id, entry);
    }
    if (refused) refusedAny++;
  }
  const t3 = performance.now();
  console.log(`\nopenstack/${name}: ${changes.length} human backports since ${values.since}`);
  console.log(
    `  readChanges ${(t1 - t0).toFixed(0)} ms (one git process), classify+detect ${(t3 - t2).toFixed(0)} ms (${((t3 - t2) / changes.length).toFixed(3)} ms/commit)`,
  );
  console.log(
    `  refused by at least one detector: ${refusedAny} (${((100 * refusedAny) / changes.length).toFixed(1)} %)`,
  );
  for (const [id, e] of counts) {
    console.log(
      `  ${id.padEnd(15)} refuse ${String(e.refuse).padStart(4)}  note ${String(e.note).padStart(4)}`,
    );
    for (const s of e.shown) console.log(`      ${s}`);
  }
  console.log(
    `  classes: ${[...classes]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
}
