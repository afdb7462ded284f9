export { classify } from './classify.js';
export { PolicyInputError } from './errors.js';
export { type StreamLife, streamLife } from './lifecycle.js';
export { PROFILE_NAMES, type ProfileName } from './profiles/index.js';
export { type ApprovalFacts, type ReviewStatus, reviewStatus } from './review.js';
export { type PolicyInput, type ResolvedPolicy, resolvePolicy, type Signal } from './settings.js';
export type * from './types.js';
export { evaluate, type PolicyRequest } from './verdict.js';
