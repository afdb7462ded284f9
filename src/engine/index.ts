export { type DepsOptions, deps } from './deps.js';
export { DEFAULT_BRANCH_TEMPLATE, type PickOptions, pick } from './pick.js';
export { backportMessage, changeIdOf, provenanceRefs } from './provenance.js';
export { type StatusOptions, status } from './status.js';
export type * from './types.js';
