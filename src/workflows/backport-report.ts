import type { TargetResult } from '../engine/types.js';

/**
 * What a backport attempt tells people: the draft MR's description, and the comment on the
 * issue — what happened, and what to do next. Plain Markdown; Jira gets the same paragraphs.
 */

export interface ReportContext {
  issueKey: string;
  stream: string;
  branch: string;
  /** `https://git.kernel.org/linus/{sha}`: a link per upstream commit when configured. */
  commitUrl?: string | undefined;
  subjects: Map<string, string>;
  ignoredLines: string[];
  /** Notes from the stable-branch policy for reviewers. */
  policyNotes?: string[];
}

const short = (s: string) => s.slice(0, 12);

function commitRef(sha: string, ctx: ReportContext): string {
  return ctx.commitUrl ? `[${short(sha)}](${ctx.commitUrl.replaceAll('{sha}', sha)})` : `\`${short(sha)}\``;
}

function howApplied(c: TargetResult['commits'][number]): string {
  const from = c.source !== c.commit ? ` from ${short(c.source)}` : '';
  switch (c.status) {
    case 'picked':
      return c.via === 'merge'
        ? `applied cleanly${from}`
        : c.via === 'whitespace'
          ? `applied${from}; the context differed only in layout (the target's layout was kept)`
          : `applied${from} with \`git apply --3way --ignore-whitespace\` — review it closely`;
    case 'present':
      return c.via === 'empty'
        ? 'already there (the pick changed nothing)'
        : `already there (${c.via}${c.match ? ` ${short(c.match)}` : ''})`;
    case 'conflict':
      return 'conflicts';
    case 'skipped':
      return 'not tried (an earlier commit conflicted)';
    default:
      return c.status;
  }
}

function commitList(result: TargetResult, ctx: ReportContext): string {
  return result.commits
    .map((c) => `- ${commitRef(c.commit, ctx)} ${ctx.subjects.get(c.commit) ?? ''} — ${howApplied(c)}`)
    .join('\n');
}

function ignoredNote(ctx: ReportContext): string {
  if (ctx.ignoredLines.length === 0) return '';
  return `\n\nLines of the commit hashes field that are not commit hashes, not used: ${ctx.ignoredLines.map((l) => `\`${l}\``).join(', ')}.`;
}

export function mergeRequestTitle(ctx: ReportContext): string {
  const first = [...ctx.subjects.values()][0] ?? 'backport';
  return `[${ctx.stream}] ${first} (${ctx.issueKey})`;
}

export function mergeRequestDescription(result: TargetResult, ctx: ReportContext): string {
  const notes = ctx.policyNotes?.length
    ? `\n\nFor reviewers (stable-branch policy):\n${ctx.policyNotes.map((n) => `- ${n}`).join('\n')}`
    : '';
  return `Automated backport of ${ctx.issueKey} to ${ctx.stream} (\`${ctx.branch}\`), made by Ferry.

Commits, in the order applied:
${commitList(result, ctx)}${ignoredNote(ctx)}${notes}

Next steps:
1. Review the changes. If they are right, mark this merge request ready (it is a draft).
2. If you change the commits, pull this branch, amend, and force-push it; add your own
   \`Signed-off-by:\` to each commit you change and to this description.`;
}

export function successComment(result: TargetResult, ctx: ReportContext, mrUrl: string): string {
  return `Ferry made a draft merge request for ${ctx.stream}: ${mrUrl}

${commitList(result, ctx)}${ignoredNote(ctx)}

Next: review it and mark it ready, or pull the bot branch, fix it, and force-push (add your Signed-off-by).`;
}

/** The exact command that reproduces the attempt on a local clone. */
export function reproduceCommand(commits: string[], branch: string): string {
  return `ferry pick ${commits.map(short).join(' ')} --to ${branch} --dry-run`;
}

export function conflictComment(result: TargetResult, ctx: ReportContext, commits: string[]): string {
  const files = result.conflicts
    .map((c) => {
      const hunks = c.hunks.map((h) => `${h.target.start}-${h.target.end}`).join(', ');
      return `- \`${c.path}\`: ${c.kind}${hunks ? ` (lines ${hunks} on ${ctx.stream})` : ''}`;
    })
    .join('\n');
  const prereq = result.prerequisites.length
    ? `\n\nLikely prerequisites, best first (on upstream, missing on ${ctx.stream}):\n${result.prerequisites
        .slice(0, 5)
        .map((p) => `- ${commitRef(p.commit, ctx)} ${p.subject} — ${p.reason}`)
        .join('\n')}`
    : '';
  return `Ferry could not backport ${ctx.issueKey} to ${ctx.stream} automatically: the commits conflict.

${commitList(result, ctx)}

Conflicting files:
${files || '- (no file details)'}${prereq}${ignoredNote(ctx)}

To reproduce it on your clone (nothing is changed by --dry-run):

    ${reproduceCommand(commits, ctx.branch)}

Next: backport it by hand (add the prerequisites first if they belong), or add the prerequisite
hashes to the commit hashes field, remove the failure label, and Ferry will try again.`;
}

export function failureComment(ctx: ReportContext, what: string, commits: string[]): string {
  return `Ferry could not backport ${ctx.issueKey} to ${ctx.stream}: ${what}${ignoredNote(ctx)}

${commits.length ? `To reproduce it on your clone:\n\n    ${reproduceCommand(commits, ctx.branch)}\n\n` : ''}Next: fix what the message says, remove the failure label, and Ferry will try again.`;
}

export function refusalComment(ctx: ReportContext, reasons: string[]): string {
  return `Ferry will not backport ${ctx.issueKey} to ${ctx.stream}: the stable-branch policy refuses it.

${reasons.map((r) => `- ${r}`).join('\n')}

Next: if an exception was granted, record it under policy.exceptions (by commit or Change-Id), remove the failure label, and Ferry will try again.`;
}
