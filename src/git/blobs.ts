import type { Repo } from './repo.js';

/**
 * Reads many blobs with one `cat-file --batch`, addressed as `<tree-ish>:<path>`.
 * Missing objects (a path absent from that tree) come back as null.
 */
export async function readBlobs(repo: Repo, specs: readonly string[]): Promise<Map<string, Buffer | null>> {
  const out = new Map<string, Buffer | null>();
  const asked = [...new Set(specs)].filter((s) => !s.includes('\n'));
  for (const s of specs) out.set(s, null);
  if (asked.length === 0) return out;
  const r = await repo.run(['cat-file', '--batch'], { input: `${asked.join('\n')}\n` });
  const buf = r.stdout;
  let pos = 0;
  for (const spec of asked) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) break;
    const header = buf.subarray(pos, nl).toString('utf8');
    const m = /^[0-9a-f]{40} (\w+) (\d+)$/.exec(header);
    if (!m) {
      pos = nl + 1; // "<spec> missing" or "ambiguous": no body follows
      continue;
    }
    const size = Number(m[2]);
    if (m[1] === 'blob') out.set(spec, buf.subarray(nl + 1, nl + 1 + size));
    pos = nl + 1 + size + 1;
  }
  return out;
}
