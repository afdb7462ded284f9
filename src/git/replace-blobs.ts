import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from './repo.js';

/**
 * A tree equal to `tree` except for the given files' contents (modes kept), built on a
 * throw-away index: no work tree, no HEAD. Returns the new tree's id.
 */
export async function replaceBlobs(
  repo: Repo,
  tree: string,
  files: { path: string; content: string | Buffer }[],
): Promise<string> {
  const dir = path.join(repo.gitDir, 'ferry', 'tmp');
  await mkdir(dir, { recursive: true });
  const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const index = path.join(dir, `index-${tag}`);
  const env = { GIT_INDEX_FILE: index };
  const blobFiles = files.map((_, i) => path.join(dir, `blob-${tag}-${i}`));
  try {
    await Promise.all(files.map((f, i) => writeFile(blobFiles[i]!, f.content)));
    const ids = (
      await repo.text(['hash-object', '-w', '--stdin-paths', '--no-filters'], {
        input: `${blobFiles.join('\n')}\n`,
      })
    )
      .split('\n')
      .map((s) => s.trim());
    await repo.run(['read-tree', tree], { env });
    const staged = await repo.run(
      ['ls-files', '-s', '-z', '--', ...files.map((f) => `:(literal)${f.path}`)],
      { env },
    );
    const modes = new Map<string, string>();
    for (const rec of staged.stdout.toString('utf8').split('\0')) {
      const m = /^(\d{6}) [0-9a-f]{40} \d\t(.*)$/s.exec(rec);
      if (m) modes.set(m[2]!, m[1]!);
    }
    const info = files.map((f, i) => `${modes.get(f.path) ?? '100644'} ${ids[i]}\t${f.path}`).join('\0');
    await repo.run(['update-index', '-z', '--index-info'], { env, input: `${info}\0` });
    return (await repo.text(['write-tree'], { env })).trim();
  } finally {
    await rm(index, { force: true });
    await Promise.all(blobFiles.map((f) => rm(f, { force: true })));
  }
}
