import { pick } from '../engine/pick.js';
import { status } from '../engine/status.js';
import type { TargetResult } from '../engine/types.js';
import { readCommits, subjectOf } from '../git/commits.js';
import { BadInputError } from '../git/errors.js';
import { resolvePolicy } from '../policy/settings.js';
import { checkTrigger, type TriggerStream } from '../policy/trigger.js';
import { type Attempt, finishAttempt, recordStep, startAttempt, updateAttempt } from '../store/attempts.js';
import { type JobContext, PermanentJobError, registerJobKind } from '../store/job-kinds.js';
import { upsertLedger } from '../store/ledger.js';
import type { Tx } from '../store/open.js';
import { enqueue } from '../store/queue.js';
import { upsertRequest } from '../store/requests.js';
import type { BackportCommand, Tracker, TrackerEvent } from '../trackers/types.js';
import { VendorRejectedError } from '../vendors/errors.js';
import {
  conflictComment,
  failureComment,
  mergeRequestDescription,
  mergeRequestTitle,
  type ReportContext,
  refusalComment,
  successComment,
} from './backport-report.js';
import { checkCommits } from './check.js';
import { TRACKER_EVENTS } from './default-classifiers.js';
import { onEvent, type WebhookSourceName } from './events.js';
import {
  forgeFor,
  refreshMirror,
  runtime,
  streamRepositoryName,
  trackerConfig,
  trackerNamed,
  upstreamMainRef,
} from './runtime.js';

/**
 * Issue-driven backports (seed 000, "First Way"), for any tracker and forge: a tracker event
 * becomes a job; the job checks the trigger conditions in order, picks the commits onto the
 * stream's current head, pushes a bot branch, opens a draft MR, links it, and reports back
 * with a label and a comment — or, on a conflict or a refusal, the failure label and a comment
 * that says what to do. Every step is recorded on the attempt; every outside effect is done
 * once per job (a retried job resumes where it stopped, and repeats nothing).
 */

export const BACKPORT_JOB = 'backport-request';

export interface BackportPayload {
  tracker: string;
  issue: string;
  command?: BackportCommand | null;
  delivery_id?: number | null;
  actor?: string | null;
}

export type BackportOutcome =
  | { state: 'rejected'; condition: string; reason: string }
  | { state: 'opened'; mr: string; branch: string; head: string }
  | { state: 'conflicted' | 'failed' | 'present'; reason: string };

/** Turns a tracker event into a backport job, or nothing when the event does not ask for one. */
export function wantsBackport(ev: TrackerEvent): boolean {
  if (ev.commands.length > 0) return true;
  if (ev.action === 'created') return true;
  return ev.changed.some(
    (c) => c === 'commit_hashes' || c === 'status' || c === 'fix_versions' || c === 'labels_removed',
  );
}

export async function enqueueBackport(
  db: Tx,
  payload: BackportPayload,
  dedupKey: string | null,
): Promise<{ jobId: number; created: boolean }> {
  const { job, created } = await enqueue(db, {
    kind: BACKPORT_JOB,
    payload: payload as unknown as Record<string, unknown>,
    lockKey: `issue:${payload.tracker}:${payload.issue}`,
    ...(dedupKey ? { dedupKey } : {}),
    ...(payload.delivery_id ? { deliveryId: payload.delivery_id } : {}),
  });
  return { jobId: job.id, created };
}

const TRACKER_KINDS: Record<WebhookSourceName, string | null> = {
  github: 'github',
  gitlab: 'gitlab',
  jira: 'jira',
  gerrit: null,
};

/** For each webhook of a tracker's kind: which configured trackers it is for, and the job. */
async function onTrackerWebhook(
  ctx: JobContext,
  source: WebhookSourceName,
  headers: Record<string, string>,
  body: unknown,
  deliveryId: number,
) {
  const rt = runtime();
  const kind = TRACKER_KINDS[source];
  for (const [name, cfg] of Object.entries(rt.config.trackers)) {
    if (cfg.kind !== kind) continue;
    const tracker = trackerNamed(name, ctx.store);
    const ev = tracker.parseEvent(headers, body);
    if (!ev || !wantsBackport(ev)) {
      ctx.log.info({ tracker: name }, 'the event does not ask for a backport');
      continue;
    }
    const commands = ev.commands.length ? ev.commands : [null];
    for (const command of commands) {
      const key = `backport:${deliveryId}:${name}:${ev.issueKey}:${command?.commentId ?? ''}`;
      const { jobId, created } = await enqueueBackport(
        ctx.store.db,
        { tracker: name, issue: ev.issueKey, command, delivery_id: deliveryId, actor: ev.actor },
        key,
      );
      ctx.log.info(
        { tracker: name, issue: ev.issueKey, backport_job: jobId, created },
        'backport job queued',
      );
    }
  }
}

function streamsOf(): TriggerStream[] {
  return runtime().config.streams.map((s) => ({
    name: s.name,
    branch: s.branch,
    state: s.state,
    release_date: s.release_date,
    fixVersion: s.fix_version ?? s.name,
  }));
}

export async function runBackportRequest(ctx: JobContext<BackportPayload>): Promise<BackportOutcome> {
  const rt = runtime();
  const { payload, store, effects, log } = ctx;
  const db = store.db;
  const tracker = trackerNamed(payload.tracker, store);
  const tcfg = trackerConfig(payload.tracker);
  const issue = await tracker.getIssue(payload.issue);
  const ownMr = (await effects.get<{ url: string }>('mr'))?.result.url ?? null;
  const policy = resolvePolicy(rt.config.policy);
  const now = new Date();

  const trigger = checkTrigger(issue, {
    eligibleStatuses: tcfg.eligible_statuses,
    labels: tcfg.labels,
    streams: streamsOf(),
    policy,
    now,
    command: payload.command ?? null,
    ownMergeRequest: ownMr,
  });
  const streamName = trigger.eligible ? trigger.stream.name : (issue.fixVersions[0] ?? '');
  const streamCfg = rt.config.streams.find((s) => s.name === streamName);
  const repository = streamRepositoryName(streamCfg?.repository);
  const { request } = await upsertRequest(db, {
    tracker: payload.tracker,
    trackerKey: issue.key,
    stream: streamName,
    commits: trigger.eligible ? trigger.hashes : [],
    repository,
    ...(payload.delivery_id ? { deliveryId: payload.delivery_id } : {}),
    ...(payload.actor ? { requestedBy: payload.actor } : {}),
  });
  const attempt = await effects.once<Attempt>('attempt', () =>
    startAttempt(db, { requestId: request.id, jobId: ctx.job.id, state: 'running' }),
  );
  const step = (
    name: string,
    outcome: 'ok' | 'skipped' | 'failed' | 'info',
    detail?: Record<string, unknown>,
  ) => recordStep(db, attempt.id, { step: name, outcome, ...(detail ? { detail } : {}) });

  if (!trigger.eligible) {
    await step('trigger', 'skipped', { condition: trigger.condition, reason: trigger.reason });
    await finishAttempt(db, attempt.id, { state: 'rejected', reason: trigger.reason });
    log.info({ issue: issue.key, condition: trigger.condition }, trigger.reason);
    return { state: 'rejected', condition: trigger.condition, reason: trigger.reason };
  }
  await step('trigger', 'ok', {
    stream: trigger.stream.name,
    hashes: trigger.hashes,
    ignored: trigger.ignoredLines,
  });

  const stream = trigger.stream;
  const report: ReportContext = {
    issueKey: issue.key,
    stream: stream.name,
    branch: stream.branch,
    commitUrl: rt.config.repositories.upstream?.commit_url,
    subjects: new Map(),
    ignoredLines: trigger.ignoredLines,
  };
  const labels = tcfg.labels;
  const marker = (what: string) =>
    `ferry:${payload.tracker}:${issue.key}:${stream.name}:job-${ctx.job.id}:${what}`;

  /** The failure label and a comment, each once. */
  const reportFailure = async (what: string, body: string) => {
    await effects.once('failure-comment', async () => {
      const { comment } = await tracker.addComment(issue.key, body, marker('failure'));
      return { id: comment.id };
    });
    await effects.once('failure-label', async () => {
      await tracker.addLabels(issue.key, [labels.failure]);
      return true;
    });
    await step('report', 'ok', { label: labels.failure, what });
  };

  const repo = await refreshMirror(repository);
  await step('fetch', 'ok', { repository });

  let oids: string[];
  try {
    oids = await repo.resolveCommits(trigger.hashes, 'commit hash');
  } catch (e) {
    if (!(e instanceof BadInputError)) throw e;
    const reason = `${e.message} (the hashes must name upstream commits)`;
    await step('resolve', 'failed', { input: e.input, reason });
    await reportFailure(reason, failureComment(report, reason, []));
    await finishAttempt(db, attempt.id, { state: 'failed', reason });
    return { state: 'failed', reason };
  }
  for (const c of await readCommits(repo, oids)) report.subjects.set(c.oid, subjectOf(c.message));
  await step('resolve', 'ok', { commits: oids });

  // The stable-branch policy: a refusal is a comment and the failure label, never an MR.
  const verdict = await checkCommits({
    repo,
    config: rt.config,
    commits: oids,
    to: stream.name,
    now,
    presence: (o) => status({ ...o, from: upstreamMainRef(repository) }),
  });
  const refusals = verdict.rules.filter((r) => r.outcome === 'refuse');
  if (verdict.decision === 'refuse') {
    const reasons = refusals.map((r) => r.reason);
    await step('policy', 'failed', { reasons });
    for (const c of oids)
      await upsertLedger(db, {
        repository,
        change: c,
        branch: stream.branch,
        state: 'refused',
        via: 'policy',
        evidence: reasons[0],
        attemptId: attempt.id,
      });
    await reportFailure('refused by policy', refusalComment(report, reasons));
    await finishAttempt(db, attempt.id, {
      state: 'rejected',
      reason: `refused by the stable-branch policy: ${reasons.join('; ')}`,
    });
    return { state: 'rejected', condition: 'policy', reason: reasons.join('; ') };
  }
  report.policyNotes = verdict.rules.filter((r) => r.outcome === 'note').map((r) => r.reason);
  await step('policy', 'ok', { decision: verdict.decision });

  // The pick is recorded once: a retried job pushes the very commit the first run made.
  const picked = await effects.once<TargetResult>('pick', async () => {
    const r = await pick({
      repo,
      commits: oids,
      targets: [stream.branch],
      dryRun: true,
      committer: { name: rt.config.bot.name, email: rt.config.bot.email },
      signoff: rt.config.bot.signoff ? { name: rt.config.bot.name, email: rt.config.bot.email } : null,
      from: upstreamMainRef(repository),
    });
    return r.targets[0]!;
  });
  await updateAttempt(db, attempt.id, { results: picked.commits });
  await step('pick', picked.status === 'picked' || picked.status === 'present' ? 'ok' : 'failed', {
    status: picked.status,
    head: picked.head,
  });

  if (picked.status === 'conflict') {
    for (const c of picked.commits)
      if (c.status === 'conflict')
        await upsertLedger(db, {
          repository,
          change: c.commit,
          branch: stream.branch,
          state: 'conflicted',
          via: 'pick',
          evidence: picked.conflicts.map((x) => x.path).join(', '),
          attemptId: attempt.id,
        });
    await reportFailure('conflict', conflictComment(picked, report, oids));
    const reason = `conflicts in ${picked.conflicts.map((c) => c.path).join(', ')}`;
    await finishAttempt(db, attempt.id, { state: 'conflicted', reason });
    return { state: 'conflicted', reason };
  }
  if (picked.status === 'error') {
    const reason = picked.error ?? 'the pick failed';
    await reportFailure(reason, failureComment(report, reason, oids));
    await finishAttempt(db, attempt.id, { state: 'failed', reason });
    return { state: 'failed', reason };
  }
  if (picked.status === 'present') {
    for (const c of picked.commits)
      await upsertLedger(db, {
        repository,
        change: c.commit,
        branch: stream.branch,
        state: 'present',
        via: c.via ?? 'pick',
        evidence: c.match ?? undefined,
        attemptId: attempt.id,
      });
    const reason = `every commit is already on ${stream.branch}`;
    await effects.once('present-comment', async () => {
      const body = `Nothing to backport: ${reason}.\n\n${picked.commits.map((c) => `- \`${c.commit.slice(0, 12)}\` ${report.subjects.get(c.commit) ?? ''} — ${c.via}${c.match ? ` ${c.match.slice(0, 12)}` : ''}`).join('\n')}`;
      return (
        await tracker.addComment(
          issue.key,
          body,
          `ferry:${payload.tracker}:${issue.key}:${stream.name}:present`,
        )
      ).comment.id;
    });
    await finishAttempt(db, attempt.id, { state: 'rejected', reason });
    return { state: 'present', reason };
  }

  // Push, MR, link, label, comment: in this order, each once, so a crash anywhere resumes.
  const { forge } = forgeFor(repository);
  const botBranch = forge.botBranch(issue.key, stream.name);
  await updateAttempt(db, attempt.id, { botBranch });
  try {
    await effects.once('push', async () => {
      const r = await forge.push(repo, { commit: picked.head!, branch: botBranch, target: stream.branch });
      return { status: r.status };
    });
    await step('push', 'ok', { branch: botBranch, head: picked.head });
    const mr = await effects.once(
      'mr',
      async () => {
        const { mergeRequest } = await forge.openDraftMergeRequest({
          sourceBranch: botBranch,
          targetBranch: stream.branch,
          title: mergeRequestTitle(report),
          description: mergeRequestDescription(picked, report),
          commit: picked.head!,
        });
        return { url: mergeRequest.url, id: mergeRequest.id };
      },
      {
        find: async () => {
          const found = await forge.findOpenMergeRequest(botBranch, stream.branch);
          return found ? { url: found.url, id: found.id } : undefined;
        },
      },
    );
    await updateAttempt(db, attempt.id, { mrUrl: mr.url });
    await step('merge-request', 'ok', { url: mr.url });
    await effects.once('link', async () => {
      await tracker.linkMergeRequest(issue.key, { url: mr.url, title: mergeRequestTitle(report) });
      return true;
    });
    await effects.once('success-label', async () => {
      await tracker.addLabels(issue.key, [labels.success]);
      return true;
    });
    await effects.once('success-comment', async () => {
      const { comment } = await tracker.addComment(
        issue.key,
        successComment(picked, report, mr.url),
        marker('success'),
      );
      return { id: comment.id };
    });
    await step('report', 'ok', { label: labels.success });
    for (const c of picked.commits)
      await upsertLedger(db, {
        repository,
        change: c.commit,
        branch: stream.branch,
        state: c.status === 'present' ? 'present' : 'in_review',
        via: c.status === 'present' ? (c.via ?? 'pick') : 'mr',
        evidence: c.status === 'present' ? (c.match ?? undefined) : mr.url,
        attemptId: attempt.id,
      });
    await finishAttempt(db, attempt.id, {
      state: 'opened',
      mrUrl: mr.url,
      reason: `draft merge request ${mr.url}`,
    });
    return { state: 'opened', mr: mr.url, branch: botBranch, head: picked.head! };
  } catch (e) {
    if (!(e instanceof VendorRejectedError)) throw e; // 5xx, 429, network: the queue tries again later
    // A permanent refusal by the forge or tracker: recorded with the vendor's own words.
    const reason = `${e.vendor} refused to ${e.operation}: ${[e.vendorMessage, ...e.details].filter(Boolean).join('; ')}`;
    await step('vendor', 'failed', {
      vendor: e.vendor,
      operation: e.operation,
      status: e.status,
      message: e.vendorMessage,
    });
    await finishAttempt(db, attempt.id, { state: 'failed', reason });
    await reportFailure(reason, failureComment(report, reason, oids)).catch((err) =>
      log.warn({ err: (err as Error).message }, 'could not report the failure on the issue'),
    );
    throw new PermanentJobError(reason);
  }
}

/** Registers the job kind and the webhook handlers (imported once, by workflows/registered.ts). */
export function registerBackportOnRequest(): void {
  registerJobKind<BackportPayload>(BACKPORT_JOB, (ctx) => runBackportRequest(ctx), {
    lockKey: (p) => `issue:${p.tracker}:${p.issue}`,
  });
  for (const source of ['github', 'gitlab', 'jira'] as const) {
    for (const event of TRACKER_EVENTS[source])
      onEvent(source, event, (ctx, received) =>
        onTrackerWebhook(ctx, source, received.delivery.headers, received.body, received.delivery.id),
      );
  }
}

export type { Tracker };
