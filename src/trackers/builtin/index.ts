import { parseBackportCommands } from '../commands.js';
import { assertMarker } from '../markers.js';
import {
  type IssueField,
  type IssuePatch,
  type IssueQuery,
  type IssueSummary,
  type NewIssue,
  prefixedIssueKey,
  type Tracker,
  type TrackerComment,
  type TrackerEvent,
  TrackerInputError,
  type TrackerIssue,
  type WebhookHeaders,
} from '../types.js';
import { jsonObject } from '../webhook.js';
import type { RequestStore, StoredRequest } from './storage.js';

/**
 * Requests kept in Ferry's own store, so the whole flow runs with no outside tracker
 * (`ferry request add | list | show`, the API, `ferry demo`). The store is injected: this file
 * knows only the `RequestStore` interface.
 *
 * Its events are Ferry's own, posted by the CLI or API: `{"type": "request.created" |
 * "request.updated" | "request.commented", "key": "REQ-1", "changed"?: [...], "comment"?: {"id",
 * "body"}}`.
 */

export interface BuiltinTrackerOptions {
  name: string;
  keyPrefix: string;
}

const CLOSED = 'Closed';
const AUTHOR = 'ferry';
const FIELDS: IssueField[] = ['commit_hashes', 'status', 'fix_versions', 'labels_removed'];

export class BuiltinTracker implements Tracker {
  readonly kind = 'builtin' as const;
  readonly name: string;

  constructor(
    private readonly store: RequestStore,
    private readonly opts: BuiltinTrackerOptions,
  ) {
    this.name = opts.name;
  }

  private key(key: string): string {
    return prefixedIssueKey(key, this.opts.keyPrefix, 'request key', "is not one of Ferry's requests");
  }

  private async existing(key: string): Promise<StoredRequest> {
    const k = this.key(key);
    const r = await this.store.get(k);
    if (!r) throw new TrackerInputError(k, `request ${k} does not exist`);
    return r;
  }

  private summary(r: StoredRequest): IssueSummary {
    return {
      key: r.key,
      url: null,
      title: r.title,
      status: r.status,
      fixVersions: r.fixVersions,
      labels: r.labels,
      commitHashLines: r.commitHashLines,
      type: null,
      severity: null,
      updatedAt: r.updatedAt,
    };
  }

  private issue(r: StoredRequest): TrackerIssue {
    return {
      ...this.summary(r),
      links: r.links.map((l) => ({ url: l.url, title: l.title, via: 'comment' as const })),
    };
  }

  async getIssue(key: string): Promise<TrackerIssue> {
    return this.issue(await this.existing(key));
  }

  async search(q: IssueQuery): Promise<IssueSummary[]> {
    const found = await this.store.list({
      ...(q.labels?.length ? { labels: q.labels } : {}),
      ...(q.fixVersion ? { fixVersion: q.fixVersion } : {}),
      ...(q.openOnly === false ? {} : { excludeStatuses: [CLOSED] }),
      limit: q.limit ?? 1000,
    });
    return found.map((r) => this.summary(r));
  }

  async createIssue(input: NewIssue): Promise<TrackerIssue> {
    const r = await this.store.create(this.opts.keyPrefix, {
      title: input.title,
      body: input.body,
      status: 'New',
      fixVersions: input.fixVersions ?? [],
      labels: input.labels ?? [],
      commitHashLines: input.commitHashLines ?? [],
    });
    return this.issue(r);
  }

  async updateIssue(key: string, patch: IssuePatch): Promise<TrackerIssue> {
    const k = (await this.existing(key)).key;
    const change = {
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.body !== undefined ? { body: patch.body } : {}),
      ...(patch.fixVersions ? { fixVersions: patch.fixVersions } : {}),
      ...(patch.commitHashLines ? { commitHashLines: patch.commitHashLines } : {}),
    };
    if (Object.keys(change).length) await this.store.update(k, change);
    if (patch.addLabels?.length) await this.store.addLabels(k, patch.addLabels);
    if (patch.removeLabels?.length) await this.store.removeLabels(k, patch.removeLabels);
    return this.getIssue(k);
  }

  async closeIssue(key: string, comment?: { body: string; marker: string }): Promise<void> {
    const r = await this.existing(key);
    if (comment) await this.addComment(r.key, comment.body, comment.marker);
    if (r.status !== CLOSED) await this.store.update(r.key, { status: CLOSED });
  }

  async addLabels(key: string, labels: string[]): Promise<void> {
    const r = await this.existing(key);
    if (labels.length) await this.store.addLabels(r.key, labels);
  }

  async findComment(key: string, marker: string): Promise<TrackerComment | null> {
    assertMarker(marker);
    const r = await this.existing(key);
    return (await this.store.comments(r.key)).find((c) => c.marker === marker) ?? null;
  }

  async addComment(
    key: string,
    body: string,
    marker: string,
  ): Promise<{ comment: TrackerComment; created: boolean }> {
    assertMarker(marker);
    const r = await this.existing(key);
    return this.store.addComment(r.key, { body, marker, author: AUTHOR });
  }

  async linkMergeRequest(key: string, mr: { url: string; title: string }): Promise<void> {
    const r = await this.existing(key);
    await this.store.addLink(r.key, { url: mr.url, title: mr.title });
  }

  parseEvent(_headers: WebhookHeaders, body: unknown): TrackerEvent | null {
    const p = jsonObject(body);
    if (!p || typeof p.key !== 'string') return null;
    let key: string;
    try {
      key = this.key(p.key);
    } catch {
      return null;
    }
    const base = {
      tracker: this.name,
      issueKey: key,
      actor: typeof p.actor === 'string' ? p.actor : null,
      deliveryId: null,
    };
    switch (p.type) {
      case 'request.created':
        return { ...base, action: 'created', changed: [], commands: [] };
      case 'request.updated': {
        const changed = (Array.isArray(p.changed) ? p.changed : []).filter((f): f is IssueField =>
          FIELDS.includes(f as IssueField),
        );
        return changed.length ? { ...base, action: 'updated', changed, commands: [] } : null;
      }
      case 'request.commented': {
        const c = p.comment as { id?: unknown; body?: unknown } | undefined;
        const commands = parseBackportCommands(String(c?.body ?? ''), String(c?.id ?? ''));
        return commands.length ? { ...base, action: 'commented', changed: [], commands } : null;
      }
      default:
        return null;
    }
  }
}
