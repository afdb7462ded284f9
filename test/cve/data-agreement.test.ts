import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { type CveAnnouncement, type CvePair, parseAnnouncement } from '../../src/sources/cve/parse.js';
import { KERNEL_CVES } from '../helpers/shared-data.js';

/**
 * Every real record in ../shared/data/kernel-cves: the parsed announcement against the CVE
 * team's own ground truth. `.dyad` lines are `introduced-version:introduced-commit:fixed-version:
 * fixed-commit` (0 where unknown), `.sha1` is the main fix. Hashes compare at the length the
 * announcement wrote them (12 or 40). Every disagreement must be explained below, by a rule of
 * the team's tool or by the specific history of one record, and each explanation is checked
 * against the record's files rather than taken on trust.
 */

const DATA = KERNEL_CVES;

interface DyadEntry {
  iv: string;
  ic: string;
  fv: string;
  fc: string;
}

interface CveJson {
  containers: {
    cna: {
      title: string;
      descriptions: { value: string }[];
      metrics?: {
        cvssV3_1?: { version: string; vectorString: string; baseScore: number; baseSeverity: string };
      }[];
      affected: {
        defaultStatus: string;
        programFiles?: string[];
        versions: {
          version: string;
          lessThan?: string;
          lessThanOrEqual?: string;
          status: string;
          versionType?: string;
        }[];
      }[];
      references: { url: string }[];
    };
  };
}

interface RecordFiles {
  id: string;
  dir: 'published' | 'rejected';
  announced: CveAnnouncement;
  dyad: DyadEntry[] | null;
  dyadComments: string[];
  json: CveJson;
  sha1: string[];
}

function loadRecords(): RecordFiles[] {
  const records: RecordFiles[] = [];
  for (const dir of ['published', 'rejected'] as const) {
    const base = path.join(DATA, dir);
    for (const f of readdirSync(base)
      .filter((n) => n.endsWith('.mbox'))
      .sort()) {
      const id = f.slice(0, -'.mbox'.length);
      const file = (ext: string) => path.join(base, `${id}.${ext}`);
      const announced = parseAnnouncement(readFileSync(file('mbox')), { source: `${dir}/${f}`, index: 0 });
      let dyad: DyadEntry[] | null = null;
      let dyadComments: string[] = [];
      if (existsSync(file('dyad'))) {
        const lines = readFileSync(file('dyad'), 'utf8').split('\n');
        dyadComments = lines.filter((l) => l.startsWith('#'));
        dyad = lines
          .filter((l) => l.trim() && !l.startsWith('#'))
          .map((l) => {
            const [iv = '', ic = '', fv = '', fc = ''] = l.trim().split(':');
            return { iv, ic, fv, fc };
          });
      }
      records.push({
        id,
        dir,
        announced,
        dyad,
        dyadComments,
        json: JSON.parse(readFileSync(file('json'), 'utf8')) as CveJson,
        sha1: readFileSync(file('sha1'), 'utf8').split('\n').filter(Boolean),
      });
    }
  }
  return records;
}

/** Same release and same commit (the dyad's full hash starts with the announced prefix). */
function pairMatches(p: CvePair, d: DyadEntry): boolean {
  const side = (v: { version: string; commit: string } | null, ver: string, commit: string) =>
    v === null ? ver === '0' && commit === '0' : v.version === ver && commit.startsWith(v.commit);
  return side(p.introduced, d.iv, d.ic) && side(p.fixed, d.fv, d.fc);
}

/** A one-to-one matching; returns what is left on each side. */
function matchPairs(pairs: CvePair[], dyad: DyadEntry[]) {
  const left = [...dyad];
  const unmatchedAnnounced: CvePair[] = [];
  for (const p of pairs) {
    const i = left.findIndex((d) => pairMatches(p, d));
    if (i === -1) unmatchedAnnounced.push(p);
    else left.splice(i, 1);
  }
  return { unmatchedAnnounced, unmatchedDyad: left };
}

/** 1da177e4c3f4 is Linux's first git commit (2.6.12-rc2); the .json uses it for "since ever" too. */
const FIRST_COMMIT = '1da177e4c3f4';

/**
 * The fixed pairs of a CVE JSON 5 record as the team's tool writes it: the git ranges
 * (introducing commit → fixing commit) in order, with the fixed release from the version list
 * in the same order. Unfixed pairs are not in the .json (the tool does not write them).
 */
function jsonFixedPairs(json: CveJson) {
  const [git, semver] = json.containers.cna.affected;
  const ranges = (git?.versions ?? []).filter((v) => v.versionType === 'git' && v.lessThan);
  const releases = (semver?.versions ?? []).filter((v) =>
    semver?.defaultStatus === 'affected' ? v.status === 'unaffected' && v.lessThanOrEqual : v.lessThan,
  );
  const fixedReleases = releases.map((v) => (semver?.defaultStatus === 'affected' ? v.version : v.lessThan!));
  return ranges.map((r, i) => ({
    introducedCommit: r.version,
    fixedCommit: r.lessThan!,
    fixed: fixedReleases[i],
  }));
}

/** The announced pairs that have a fix are exactly the .json's, in order. */
function jsonAgreesWithAnnouncement(r: RecordFiles): boolean {
  const announced = r.announced.pairs.filter((p) => p.fixed !== null);
  const json = jsonFixedPairs(r.json);
  return (
    announced.length === json.length &&
    announced.every((p, i) => {
      const j = json[i]!;
      const introduced = p.introduced
        ? j.introducedCommit.startsWith(p.introduced.commit) ||
          p.introduced.commit.startsWith(j.introducedCommit)
        : j.introducedCommit.startsWith(FIRST_COMMIT);
      const fixedCommit =
        j.fixedCommit.startsWith(p.fixed!.commit) || p.fixed!.commit.startsWith(j.fixedCommit);
      return introduced && fixedCommit && j.fixed === p.fixed!.version;
    })
  );
}

/**
 * Records whose .dyad disagrees with the announcement beyond the tool's rule, each with what
 * happened and a check of that story against the record's own files.
 */
const RECORD_EXPLANATIONS: Record<
  string,
  { why: string; holds: (r: RecordFiles, announced: CvePair[], dyad: DyadEntry[]) => boolean }
> = {
  'CVE-2024-44972': {
    why:
      'rejected after it was announced. The .dyad was regenerated later with the original vulnerable ' +
      'commit set to 21b5bef20ef8 (in 6.11), so its only pair is introduced and fixed in 6.11: no released ' +
      'kernel was affected, which is why the CVE was rejected. The announcement and the .json as submitted ' +
      'both still say "Fixed in" 6.6.46, 6.10.5 and 6.11 with no known start; the .dyad is the newer of the two.',
    holds: (r, announced, dyad) =>
      r.dir === 'rejected' &&
      r.dyadComments.some((c) =>
        /Setting original vulnerable kernel to be kernel 6\.11 and git id 21b5bef20ef8/.test(c),
      ) &&
      dyad.length === 1 &&
      dyad[0]!.iv === '6.11' &&
      dyad[0]!.fv === '6.11' &&
      dyad[0]!.fc === r.sha1[0] &&
      announced.length === 3 &&
      announced.every((p) => p.introduced === null) &&
      jsonAgreesWithAnnouncement(r),
  },
};

/** .sha1 files listing more than one commit, with the story checked against the record. */
const EXTRA_SHA1_EXPLANATIONS: Record<string, { why: string; holds: (r: RecordFiles) => boolean }> = {
  'CVE-2024-26661': {
    why:
      'the CVE was assigned for two commits, 66951d98d9bf and 17ba9cde11c2. The .dyad header shows dyad ' +
      'was run for both but found vulnerable:fixed pairs only for the first, so the announcement (and the ' +
      '.json) name only 66951d98d9bf, which is the .sha1 first line.',
    holds: (r) =>
      r.sha1.length === 2 &&
      r.dyadComments.some((c) => c.includes(`git id ${r.sha1[1]}`)) &&
      !(r.dyad ?? []).some((d) => d.fc === r.sha1[1] || d.ic === r.sha1[1]) &&
      !JSON.stringify(r.json).includes(r.sha1[1]!.slice(0, 12)) &&
      !r.announced.fix_commits.some((f) => r.sha1[1]!.startsWith(f.commit)),
  },
};

test('every kernel CVE record: parsed pairs agree with .dyad and the main fix with .sha1', (t) => {
  assert.ok(existsSync(DATA), `the kernel CVE data is expected at ${DATA} (../shared/data/kernel-cves)`);
  const records = loadRecords();
  const published = records.filter((r) => r.dir === 'published').length;
  const rejected = records.length - published;
  assert.equal(published, 939, 'published records');
  assert.ok(rejected > 0, 'rejected records');

  const counts = {
    exact: 0,
    sameReleaseRule: 0,
    explained: 0,
    noDyadJsonAgrees: 0,
    announcedPairs: 0,
    announcedPairsInDyad: 0,
    dyadEntries: 0,
    dyadEntriesSameRelease: 0,
    mainFixAgrees: 0,
    mainFixFull: 0,
    extraSha1Explained: 0,
  };
  const unexplained: string[] = [];
  const usedExplanations = new Set<string>();

  for (const r of records) {
    const a = r.announced;
    assert.equal(a.cve, r.id, `${r.id}: CVE id`);
    assert.equal(a.rejected, false, `${r.id}: the stored announcement is the original, not a rejection`);

    // Pairs against .dyad (or, where the record has none, against the .json as submitted).
    if (r.dyad === null) {
      if (jsonAgreesWithAnnouncement(r)) counts.noDyadJsonAgrees++;
      else unexplained.push(`${r.id}: no .dyad, and the announced pairs differ from the .json`);
    } else {
      counts.dyadEntries += r.dyad.length;
      counts.announcedPairs += a.pairs.length;
      const { unmatchedAnnounced, unmatchedDyad } = matchPairs(a.pairs, r.dyad);
      counts.announcedPairsInDyad += a.pairs.length - unmatchedAnnounced.length;
      // The team's tool writes no line for a pair introduced and fixed in the same release (no
      // released kernel had the bug) but still links its fix under Mitigation.
      const sameRelease = (d: DyadEntry) =>
        d.iv !== '0' &&
        d.iv === d.fv &&
        a.fix_commits.some((f) => f.version === null && d.fc.startsWith(f.commit));
      const byRule = unmatchedDyad.filter(sameRelease);
      counts.dyadEntriesSameRelease += byRule.length;
      const restDyad = unmatchedDyad.filter((d) => !sameRelease(d));
      if (unmatchedAnnounced.length === 0 && unmatchedDyad.length === 0) counts.exact++;
      else if (unmatchedAnnounced.length === 0 && restDyad.length === 0) counts.sameReleaseRule++;
      else {
        const why = RECORD_EXPLANATIONS[r.id];
        if (why?.holds(r, unmatchedAnnounced, unmatchedDyad)) {
          counts.explained++;
          usedExplanations.add(r.id);
          t.diagnostic(`explained ${r.id}: ${why.why}`);
        } else
          unexplained.push(
            `${r.id}: announced but not in .dyad ${JSON.stringify(unmatchedAnnounced)}; ` +
              `in .dyad but not announced ${JSON.stringify(restDyad)}`,
          );
      }
    }

    // Main fix against .sha1 (its first line; more lines must be explained).
    const main = a.main_fix;
    if (main !== null && main.length >= 12 && r.sha1[0]!.startsWith(main)) {
      counts.mainFixAgrees++;
      if (main.length === 40) counts.mainFixFull++;
    } else unexplained.push(`${r.id}: main fix ${main} but .sha1 says ${r.sha1[0]}`);
    if (r.sha1.length > 1) {
      const why = EXTRA_SHA1_EXPLANATIONS[r.id];
      if (why?.holds(r)) {
        counts.extraSha1Explained++;
        usedExplanations.add(`sha1:${r.id}`);
        t.diagnostic(`explained ${r.id} .sha1: ${why.why}`);
      } else unexplained.push(`${r.id}: .sha1 lists ${r.sha1.length} commits`);
    }
  }

  const withDyad = records.filter((r) => r.dyad !== null).length;
  t.diagnostic(
    `records: ${records.length} (${published} published, ${rejected} rejected; the data README says 14 ` +
      `rejected, the folder holds ${rejected})`,
  );
  t.diagnostic(
    `pairs vs .dyad (${withDyad} records): ${counts.exact} identical, ${counts.sameReleaseRule} identical but for ` +
      `same-release pairs the tool writes no line for, ${counts.explained} explained record by record; ` +
      `${records.length - withDyad} records have no .dyad and agree with their .json: ${counts.noDyadJsonAgrees}`,
  );
  t.diagnostic(
    `pair lines: ${counts.announcedPairsInDyad} of ${counts.announcedPairs} announced pairs are .dyad lines; ` +
      `${counts.dyadEntries} .dyad lines, ${counts.dyadEntriesSameRelease} of them same-release pairs with no line`,
  );
  t.diagnostic(
    `main fix vs .sha1: ${counts.mainFixAgrees}/${records.length} agree (${counts.mainFixFull} as full hashes); ` +
      `${counts.extraSha1Explained} .sha1 with a second commit, explained`,
  );
  const agreeing = counts.exact + counts.sameReleaseRule + counts.explained + counts.noDyadJsonAgrees;
  t.diagnostic(
    `agreement: ${agreeing}/${records.length} records (${((100 * agreeing) / records.length).toFixed(1)} %)`,
  );

  assert.deepEqual(unexplained, [], 'every disagreement is explained');
  for (const id of Object.keys(RECORD_EXPLANATIONS))
    assert.ok(usedExplanations.has(id), `explanation for ${id} is no longer needed`);
  for (const id of Object.keys(EXTRA_SHA1_EXPLANATIONS))
    assert.ok(usedExplanations.has(`sha1:${id}`), `.sha1 explanation for ${id} is no longer needed`);
  assert.equal(agreeing, records.length);
  assert.equal(counts.mainFixAgrees, records.length);
});

test('every record parses with its files, severity and description as the .json has them', () => {
  let withSeverity = 0;
  for (const r of loadRecords()) {
    const a = r.announced;
    const cna = r.json.containers.cna;
    assert.equal(a.subject, cna.title, `${r.id}: subject`);
    const desc = cna.descriptions[0]!.value;
    const truncated = desc.endsWith('---truncated---');
    if (truncated) assert.ok(a.description.startsWith(desc.replace(/\n?---truncated---$/, '')), `${r.id}`);
    else assert.equal(a.description, desc, `${r.id}: description`);
    // Older records' .json have no programFiles; where they do, they are the announced files.
    const files = cna.affected[0]?.programFiles;
    if (files) assert.deepEqual([...a.files].sort(), [...new Set(files)].sort(), `${r.id}: files`);
    assert.ok(a.files.length > 0, `${r.id}: affected files`);
    const links = cna.references.map((x) => x.url);
    for (const f of a.fix_commits)
      assert.ok(
        links.some((u) => u.includes(f.commit)) || r.dir === 'rejected' || f.version !== null,
        `${r.id}: fix ${f.commit} is linked in the .json`,
      );
    assert.equal(a.fix_commits.filter((f) => f.main).length, 1, `${r.id}: exactly one main fix`);
    const cvss = cna.metrics?.find((m) => m.cvssV3_1)?.cvssV3_1;
    assert.deepEqual(
      a.severity,
      cvss
        ? {
            cvss_version: cvss.version,
            score: cvss.baseScore,
            rating: cvss.baseSeverity,
            vector: cvss.vectorString,
          }
        : null,
      `${r.id}: severity`,
    );
    if (a.severity) withSeverity++;
  }
  assert.ok(withSeverity > 300, `records with a Severity section: ${withSeverity}`);
});
