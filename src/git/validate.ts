import { BadInputError } from './errors.js';

/**
 * Checks on values before they reach git's argument list. These are syntax checks only;
 * whether a revision exists is answered by `resolveCommit`.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A value a user typed for `what`; refuses option look-alikes and control characters. */
export function assertPlainValue(value: string, what: string): string {
  if (value.length === 0) throw new BadInputError(value, `${what} is empty`);
  if (value.startsWith('-'))
    throw new BadInputError(value, `${what} '${value}' starts with '-'; expected a name, not an option`);
  if (CONTROL.test(value))
    throw new BadInputError(value, `${what} ${JSON.stringify(value)} contains control characters`);
  return value;
}

const REVISION_CHARS = /^[A-Za-z0-9_./@{}^~:+-]+$/;

/** A revision as a user may write it: a hash, a branch, a tag, `HEAD~2`, `v1.0^{commit}`. */
export function assertRevisionSyntax(value: string, what = 'revision'): string {
  assertPlainValue(value, what);
  if (!REVISION_CHARS.test(value) || value.includes('..'))
    throw new BadInputError(
      value,
      `${what} '${value}' is not a valid revision; expected a commit id, branch or tag`,
    );
  return value;
}

export const FULL_OID = /^[0-9a-f]{40}$/;
export const HEX_ABBREV = /^[0-9a-f]{4,40}$/i;

export function isFullOid(value: string): boolean {
  return FULL_OID.test(value);
}
