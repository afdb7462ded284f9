import type { Person } from './commits.js';
import type { Repo } from './repo.js';

/**
 * Writes scripted history with one `git fast-import` process: the demo's repositories, and
 * anything else that needs many commits at once without a work tree.
 */

export interface ScriptedCommit {
  /** The branch it goes on (`refs/heads/...`). */
  ref: string;
  message: string;
  author: Person;
  committer?: Person;
  /** The parent: a mark (`:3`) of an earlier scripted commit or a full commit id; none for a root. */
  from?: string;
  /** Files to write (content) or delete (null). */
  files: Record<string, string | null>;
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

function person(p: Person): string {
  return `${p.name} <${p.email}> ${p.date}`;
}

/** Imports the commits in order; returns their ids (commit i is mark `:i+1`). */
export async function importCommits(repo: Repo, commits: ScriptedCommit[]): Promise<string[]> {
  let stream = '';
  commits.forEach((c, i) => {
    stream += `commit ${c.ref}\nmark :${i + 1}\n`;
    stream += `author ${person(c.author)}\ncommitter ${person(c.committer ?? c.author)}\n`;
    stream += data(c.message);
    if (c.from) stream += `from ${c.from}\n`;
    for (const [path, content] of Object.entries(c.files)) {
      if (/[\n"]/.test(path))
        throw new Error(`scripted path ${JSON.stringify(path)} has a newline or a quote`);
      stream += content === null ? `D ${path}\n` : `M 100644 inline ${path}\n${data(content)}`;
    }
    stream += '\n';
  });
  const marksFile = `${repo.gitDir}/ferry-fast-import-marks-${process.pid}`;
  await repo.run(['fast-import', '--quiet', '--force', `--export-marks=${marksFile}`], {
    input: `${stream}done\n`,
  });
  const { readFile, rm } = await import('node:fs/promises');
  const marks = new Map<string, string>();
  for (const line of (await readFile(marksFile, 'utf8')).split('\n')) {
    const [mark, oid] = line.split(' ');
    if (mark && oid) marks.set(mark, oid);
  }
  await rm(marksFile, { force: true });
  return commits.map((_, i) => marks.get(`:${i + 1}`)!);
}
