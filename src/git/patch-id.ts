import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from './repo.js';
import { gitPipe } from './run.js';

/**
 * `git patch-id --stable` for many commits with one pipeline
 * (`git diff-tree --stdin -p | git patch-id --stable`), cached on disk by commit id: a
 * commit's patch-id never changes, so each is computed once per repository, ever.
 * Merge commits and commits with an empty diff have no patch-id (null).
 */

const CACHE_FILE = 'patch-ids.v1';
const caches = new WeakMap<Repo, Promise<Map<string, string | null>>>();

function cachePath(repo: Repo): string {
  return path.join(repo.gitDir, 'ferry', CACHE_FILE);
}

async function loadCache(repo: Repo): Promise<Map<string, string | null>> {
  const map = new Map<string, string | null>();
  const text = await readFile(cachePath(repo), 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [commit, pid] = line.split(' ');
    if (commit?.length === 40 && pid) map.set(commit, pid === '-' ? null : pid);
  }
  return map;
}

function cacheOf(repo: Repo): Promise<Map<string, string | null>> {
  let c = caches.get(repo);
  if (!c) {
    c = loadCache(repo);
    caches.set(repo, c);
  }
  return c;
}

export async function patchIds(repo: Repo, commits: readonly string[]): Promise<Map<string, string | null>> {
  const cache = await cacheOf(repo);
  const todo = [...new Set(commits.filter((c) => !cache.has(c)))];
  if (todo.length > 0) {
    const computed = new Map<string, string | null>(todo.map((c) => [c, null]));
    // Big batches keep memory bounded while still using one pipeline per batch.
    for (let i = 0; i < todo.length; i += 5000) {
      const batch = todo.slice(i, i + 5000);
      const r = await gitPipe(repo.dir, ['diff-tree', '--stdin', '-p', '--root'], ['patch-id', '--stable'], {
        input: `${batch.join('\n')}\n`,
        timeoutMs: 600_000,
      });
      for (const line of r.stdout.toString('utf8').split('\n')) {
        const [pid, commit] = line.split(' ');
        if (pid && commit && computed.has(commit)) computed.set(commit, pid);
      }
    }
    for (const [c, p] of computed) cache.set(c, p);
    const lines = [...computed].map(([c, p]) => `${c} ${p ?? '-'}\n`).join('');
    await mkdir(path.dirname(cachePath(repo)), { recursive: true });
    // Append-only: concurrent writers at worst add a duplicate line with the same value.
    await appendFile(cachePath(repo), lines).catch(() => {});
  }
  const out = new Map<string, string | null>();
  for (const c of commits) out.set(c, cache.get(c) ?? null);
  return out;
}
