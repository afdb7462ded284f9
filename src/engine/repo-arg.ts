import { Repo } from '../git/repo.js';

/** Library calls take a path or an open repository. */
export async function openRepo(repo: string | Repo | undefined, cwd = process.cwd()): Promise<Repo> {
  if (repo instanceof Repo) return repo;
  return Repo.open(repo ?? cwd);
}
