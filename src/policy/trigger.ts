import { streamLife } from './lifecycle.js';
import type { ResolvedPolicy } from './settings.js';
import type { StreamFacts } from './types.js';

/**
 * May a tracker issue start an automated backport? The conditions of Red Hat's kernel
 * backport automation (seed 000, "First Way"), checked in its order; the first that fails
 * is the answer, with a reason a person reads. Pure: the issue and the configuration in,
 * a verdict out.
 */

export interface TriggerIssue {
  key: string;
  status: string;
  fixVersions: string[];
  labels: string[];
  /** The commit-hashes field, one entry per line as people wrote it. */
  commitHashLines: string[];
  /** MRs already linked to the issue. */
  links: { url: string }[];
}

export interface TriggerStream extends StreamFacts {
  /** The Fix Version that maps issues to this stream. */
  fixVersion: string;
}

export interface TriggerSettings {
  eligibleStatuses: string[];
  labels: { success: string; failure: string };
  streams: TriggerStream[];
  policy: ResolvedPolicy;
  now: Date | string;
  /** A `/backport <sha>... [to <stream>]` command: its hashes and stream replace the fields. */
  command?: { hashes: string[]; stream: string | null } | null;
  /** An MR Ferry itself opened for this issue (a retried job): not "an MR someone linked". */
  ownMergeRequest?: string | null;
}

export type TriggerCondition =
  | 'status'
  | 'fix-version'
  | 'stream-open'
  | 'no-merge-request'
  | 'no-earlier-attempt'
  | 'commit-hashes';

export type TriggerVerdict =
  | {
      eligible: true;
      stream: TriggerStream;
      /** The lines that look like commit hashes, in order, lower-cased. */
      hashes: string[];
      /** Lines of the field that are not hashes: reported back, never dropped silently. */
      ignoredLines: string[];
      /** Other Fix Versions that also map to streams (one attempt per issue and stream). */
      otherStreams: string[];
    }
  | { eligible: false; condition: TriggerCondition; reason: string };

/** A line "looks like a commit hash": 7 to 40 hex digits, optionally after `commit `. */
const HASH_LINE = /^(?:commit\s+)?([0-9a-fA-F]{7,40})\b(?:\s.*)?$/;

export function splitHashLines(lines: readonly string[]): { hashes: string[]; ignored: string[] } {
  const hashes: string[] = [];
  const ignored: string[] = [];
  for (const raw of lines) {
    for (const line of raw.split(/[\n,]/).map((l) => l.trim())) {
      if (!line) continue;
      const m = HASH_LINE.exec(line);
      if (m) hashes.push(m[1]!.toLowerCase());
      else ignored.push(line);
    }
  }
  return { hashes: [...new Set(hashes)], ignored };
}

export function checkTrigger(issue: TriggerIssue, s: TriggerSettings): TriggerVerdict {
  const no = (condition: TriggerCondition, reason: string): TriggerVerdict => ({
    eligible: false,
    condition,
    reason,
  });

  if (!s.eligibleStatuses.some((st) => st.toLowerCase() === issue.status.toLowerCase()))
    return no(
      'status',
      `the issue's status is ${issue.status}; automated backports start only in ${s.eligibleStatuses.join(' or ')}`,
    );

  const mapped = issue.fixVersions
    .map((v) => s.streams.find((st) => st.fixVersion === v))
    .filter((st): st is TriggerStream => st !== undefined);
  let stream: TriggerStream | undefined;
  if (s.command?.stream) {
    stream = s.streams.find((st) => st.name === s.command!.stream || st.fixVersion === s.command!.stream);
    if (!stream)
      return no(
        'fix-version',
        `the command names stream '${s.command.stream}', which is not configured (streams: ${s.streams.map((st) => st.name).join(', ') || 'none'})`,
      );
  } else {
    stream = mapped[0];
    if (!stream)
      return no(
        'fix-version',
        issue.fixVersions.length === 0
          ? 'the issue has no Fix Version; set one that names a stream'
          : `no configured stream has Fix Version ${issue.fixVersions.join(', ')} (known: ${s.streams.map((st) => st.fixVersion).join(', ') || 'none'})`,
      );
  }

  const life = streamLife(stream, s.policy, s.now);
  if (!life.open)
    return no('stream-open', life.closedBecause ?? `stream ${stream.name} does not take backports`);

  const foreign = issue.links.filter((l) => l.url !== s.ownMergeRequest);
  if (foreign.length > 0)
    return no('no-merge-request', `a merge request is already linked to the issue (${foreign[0]!.url})`);

  if (!s.ownMergeRequest) {
    const earlier = [s.labels.success, s.labels.failure].filter((l) => issue.labels.includes(l));
    if (earlier.length > 0)
      return no(
        'no-earlier-attempt',
        `the issue already has the label ${earlier[0]} from an earlier attempt; remove it to try again`,
      );
  }

  const { hashes, ignored } = splitHashLines(s.command ? s.command.hashes : issue.commitHashLines);
  if (hashes.length === 0)
    return no(
      'commit-hashes',
      issue.commitHashLines.length === 0 && !s.command
        ? 'the commit hashes field is empty'
        : `no line of the commit hashes field looks like a commit hash (${ignored.slice(0, 3).join('; ')})`,
    );

  return {
    eligible: true,
    stream,
    hashes,
    ignoredLines: ignored,
    otherStreams: mapped.filter((m) => m !== stream).map((m) => m.name),
  };
}
