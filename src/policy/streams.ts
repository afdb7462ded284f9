import { PolicyInputError } from './errors.js';
import type { NewerStream } from './newer-first.js';
import type { StreamFacts } from './types.js';

/**
 * Streams are configured newest first. A target is named by its stream name or its
 * branch; what is "newer" than it is everything listed before it, with upstream's main
 * branch (when known) newest of all.
 */
export function findStream(streams: readonly StreamFacts[], target: string): number {
  const index = streams.findIndex((s) => s.name === target || s.branch === target);
  if (index === -1)
    throw new PolicyInputError(
      target,
      `stream '${target}' is not configured; known streams: ${streams.map((s) => s.name).join(', ') || '(none)'}`,
    );
  return index;
}

export function newerStreams(
  streams: readonly StreamFacts[],
  index: number,
  upstream: NewerStream | null,
): NewerStream[] {
  return [
    ...(upstream ? [upstream] : []),
    ...streams.slice(0, index).map((s) => ({ name: s.name, branch: s.branch })),
  ];
}
