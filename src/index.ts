/**
 * Ferry's library API: `import { pick, status, deps, evaluate } from 'ferry'`. The `ferry` command is a
 * thin layer over these functions.
 */
export * from './engine/index.js';
export {
  AmbiguousRevisionError,
  BadInputError,
  BadRefNameError,
  BadRevisionError,
  NotARepositoryError,
} from './git/errors.js';
export { Repo } from './git/repo.js';
export { GitError } from './git/run.js';
export * from './policy/index.js';
export { type CheckOptions, checkCommits, type PresenceLookup } from './workflows/check.js';
