import type { Plan, StreamDecision, Verdict } from './affected.js';
import type { CveAnnouncement, Severity } from './parse.js';
import type { Routing } from './route.js';

/**
 * From a CVE and its stream decisions to tracker actions: one request per affected stream,
 * created once and afterwards only updated where Ferry's own view changed; a REJECTED
 * announcement closes (with a note) the requests the CVE had opened. Pure: the caller reads the
 * existing requests from the tracker and carries the actions out, so idempotence is decided,
 * and tested, here.
 */

/** The fields Ferry owns on a CVE request (a tracker adapter maps them to its own fields). */
export interface CveRequestFields {
  title: string;
  cve: string;
  stream: string;
  verdict: Verdict;
  plan: Plan;
  /** What the backport carries: the mainline fix (the "Commit Hashes" of the seed). */
  commit_hashes: string[];
  /** The same fix in the stable series. */
  alternatives: string[];
  update_to: string | null;
  component: string | null;
  assignee: string | null;
  severity: Severity | null;
}

/** A request already on the tracker for this CVE and stream. */
export interface ExistingCveRequest {
  id: string;
  cve: string;
  stream: string;
  state: 'open' | 'closed';
  /** The fields as the tracker holds them now. */
  fields: Partial<CveRequestFields>;
  /**
   * The fields as Ferry last wrote them, when known (the store keeps them). With it, a change a
   * person made on the tracker (another assignee) is left alone unless Ferry's own view changes.
   */
  written?: Partial<CveRequestFields>;
}

export type CveRequestAction =
  | { kind: 'create'; cve: string; stream: string; fields: CveRequestFields; comment: string }
  | {
      kind: 'update';
      id: string;
      cve: string;
      stream: string;
      changes: Partial<CveRequestFields>;
      comment: string;
    }
  | { kind: 'close'; id: string; cve: string; stream: string; comment: string };

/** Fields compared to decide on an update; the title is written once and then left to people. */
const OWNED: (keyof CveRequestFields)[] = [
  'verdict',
  'plan',
  'commit_hashes',
  'alternatives',
  'update_to',
  'component',
  'assignee',
  'severity',
];

const VERDICT_ONLY: (keyof CveRequestFields)[] = ['verdict', 'plan', 'update_to'];

export function requestFields(
  cve: CveAnnouncement,
  decision: StreamDecision,
  routing: Routing,
): CveRequestFields {
  return {
    title: `${cve.cve}: ${cve.subject} [${decision.stream}]`,
    cve: cve.cve,
    stream: decision.stream,
    verdict: decision.verdict,
    plan: decision.plan,
    commit_hashes: decision.needs ? [decision.needs.commit] : [],
    alternatives: decision.alternatives.map((a) => a.commit),
    update_to: decision.update_to,
    component: routing.component,
    assignee: routing.assignee,
    severity: cve.severity,
  };
}

/** JSON with object keys sorted: stores such as PostgreSQL's jsonb do not keep key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function comment(cve: CveAnnouncement, decision: StreamDecision, routing: Routing): string {
  const lines = [`${cve.cve} on ${decision.stream}: ${decision.reason}.`];
  if (decision.verdict === 'affected') lines.push(`Routing: ${routing.reason}.`);
  if (cve.message_id)
    lines.push(
      `Announcement: https://lore.kernel.org/linux-cve-announce/${cve.message_id.replace(/^<|>$/g, '')}/`,
    );
  return lines.join('\n');
}

export interface PlanInput {
  cve: CveAnnouncement;
  decisions: readonly StreamDecision[];
  routing: Routing;
  /** The tracker's requests for this CVE (any stream, any state). */
  existing: readonly ExistingCveRequest[];
}

export function planCveRequests({ cve, decisions, routing, existing }: PlanInput): CveRequestAction[] {
  const mine = existing.filter((r) => r.cve === cve.cve);
  if (cve.rejected)
    return mine
      .filter((r) => r.state === 'open')
      .map((r) => ({
        kind: 'close' as const,
        id: r.id,
        cve: cve.cve,
        stream: r.stream,
        comment:
          `${cve.cve} was rejected by the Linux kernel CVE team and is no longer a valid CVE` +
          `${cve.subject ? ` (${cve.subject})` : ''}; closing this request.`,
      }));

  const actions: CveRequestAction[] = [];
  for (const decision of decisions) {
    const forStream = mine.filter((r) => r.stream === decision.stream);
    const request = forStream.find((r) => r.state === 'open') ?? forStream[0];
    const desired = requestFields(cve, decision, routing);
    if (!request) {
      if (decision.verdict === 'affected')
        actions.push({
          kind: 'create',
          cve: cve.cve,
          stream: decision.stream,
          fields: desired,
          comment: comment(cve, decision, routing),
        });
      continue;
    }
    // A closed request was settled by people (or by a rejection); it is not reopened.
    if (request.state === 'closed') continue;
    const baseline = request.written ?? request.fields;
    const changes: Partial<CveRequestFields> = {};
    // Once a stream is fixed or not affected, its hashes and people are history: only the verdict moves.
    for (const key of decision.verdict === 'affected' ? OWNED : VERDICT_ONLY)
      if (!same(desired[key], baseline[key]) && !same(desired[key], request.fields[key]))
        (changes as Record<string, unknown>)[key] = desired[key];
    if (Object.keys(changes).length > 0)
      actions.push({
        kind: 'update',
        id: request.id,
        cve: cve.cve,
        stream: decision.stream,
        changes,
        comment: comment(cve, decision, routing),
      });
  }
  return actions;
}

/**
 * The requests as they will be once `actions` are carried out (created ones get `planned-<n>`
 * ids). Lets a batch that holds an announcement and, later, its REJECTED notice plan the
 * second against the first without a tracker (dry runs).
 */
export function afterActions(
  existing: readonly ExistingCveRequest[],
  actions: readonly CveRequestAction[],
): ExistingCveRequest[] {
  const next = existing.map((r) => ({ ...r, fields: { ...r.fields } }));
  let n = 0;
  for (const a of actions) {
    if (a.kind === 'create') {
      n++;
      next.push({
        id: `planned-${next.length + n}`,
        cve: a.cve,
        stream: a.stream,
        state: 'open',
        fields: { ...a.fields },
      });
      continue;
    }
    const r = next.find((x) => x.id === a.id);
    if (!r) continue;
    if (a.kind === 'update') Object.assign(r.fields, a.changes);
    else r.state = 'closed';
  }
  return next;
}
