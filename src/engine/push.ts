import type { Repo } from '../git/repo.js';
import { assertPlainValue } from '../git/validate.js';
import type { PickReport } from './types.js';

/**
 * Pushes the backport branches a pick made to `remote`, under the same names. They are
 * Ferry's own branches, recomputed on every pick, so they are replaced (`+`).
 */
export async function pushBranches(
  repo: Repo,
  remote: string,
  report: PickReport,
  progress: (m: string) => void,
): Promise<void> {
  assertPlainValue(remote, '--push remote');
  for (const t of report.targets) {
    if (!t.branch || !t.head) continue;
    progress(`pushing ${t.branch} to ${remote}`);
    await repo.run(['push', '--porcelain', '--end-of-options', remote, `+${t.head}:refs/heads/${t.branch}`], {
      env: { GIT_TERMINAL_PROMPT: '0' },
    });
  }
}
