import type { Version3Client } from 'jira.js/version3';
import type { JiraClient } from '../../vendors/jira/client.js';
import { createdSince } from '../../vendors/retry.js';
import { parseBackportCommands } from '../commands.js';
import { valueLines } from '../issue-form.js';
import { assertMarker, markerOf } from '../markers.js';
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
import { headerValue, jsonObject } from '../webhook.js';
import { adfToText, textToAdf } from './adf.js';

/**
 * Jira (Cloud REST v3, Data Center with a bearer token) as a tracker: the seed's tracker. The
 * commit hashes are a custom field named by id; Fix Versions, Status, labels and issue type are
 * Jira's own fields. Comments are written in Atlassian Document Format and carry their marker
 * in a comment property (`ferry`), which Jira stores with the comment and does not show. A link
 * to an MR is a remote link whose global id is the MR's URL, so linking twice updates one link.
 */

export interface JiraTrackerOptions {
  name: string;
  project: string;
  fields: { commit_hashes: string; commit_hashes_format: 'adf' | 'plain'; severity?: string };
  issueType: string;
  closeTransition?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: issue JSON as Jira returns it
type Json = any;

const PROPERTY = 'ferry';
const PAGE = 100;

export class JiraTracker implements Tracker {
  readonly kind = 'jira' as const;
  readonly name: string;

  constructor(
    private readonly client: JiraClient,
    private readonly opts: JiraTrackerOptions,
  ) {
    this.name = opts.name;
  }

  private key(key: string): string {
    return prefixedIssueKey(
      key,
      this.opts.project,
      'issue key',
      `is not an issue of Jira project ${this.opts.project}`,
    );
  }

  private get fieldList(): string[] {
    const f = [
      'summary',
      'status',
      'fixVersions',
      'labels',
      'issuetype',
      'priority',
      'updated',
      this.opts.fields.commit_hashes,
    ];
    if (this.opts.fields.severity) f.push(this.opts.fields.severity);
    return f;
  }

  private hashLines(value: unknown): string[] {
    if (value === null || value === undefined) return [];
    if (Array.isArray(value))
      return value.flatMap((v) => valueLines(typeof v === 'string' ? v : adfToText(v)));
    return valueLines(adfToText(value));
  }

  private summary(i: Json): IssueSummary {
    const f = i.fields ?? {};
    const sev = this.opts.fields.severity ? f[this.opts.fields.severity] : undefined;
    return {
      key: i.key,
      url: `${this.client.url}/browse/${i.key}`,
      title: f.summary ?? '',
      status: f.status?.name ?? '',
      fixVersions: (f.fixVersions ?? []).map((v: Json) => v.name),
      labels: f.labels ?? [],
      commitHashLines: this.hashLines(f[this.opts.fields.commit_hashes]),
      type: f.issuetype?.name ?? null,
      severity: (typeof sev === 'string' ? sev : sev?.value) ?? f.priority?.name ?? null,
      updatedAt: f.updated ?? null,
    };
  }

  private hashValue(lines: string[]): unknown {
    const text = lines.join('\n');
    return this.opts.fields.commit_hashes_format === 'adf' ? textToAdf(text) : text;
  }

  async getIssue(key: string): Promise<TrackerIssue> {
    const k = this.key(key);
    const [issue, links] = await Promise.all([
      this.client.call(`read issue ${k}`, (api) =>
        api.issues.getIssue({ issueIdOrKey: k, fields: this.fieldList }),
      ),
      this.client.call(`read remote links of ${k}`, (api) =>
        api.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: k }),
      ),
    ]);
    return {
      ...this.summary(issue),
      links: ((links as Json[]) ?? [])
        .filter((l) => l.object?.url)
        .map((l) => ({ url: l.object.url, title: l.object.title ?? null, via: 'remote-link' as const })),
    };
  }

  /** JQL for a query; values are quoted, so a label cannot widen the search. */
  jqlFor(q: IssueQuery, orderBy = 'key ASC'): string {
    const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    const clauses = [`project = ${quote(this.opts.project)}`];
    for (const l of q.labels ?? []) clauses.push(`labels = ${quote(l)}`);
    if (q.fixVersion) clauses.push(`fixVersion = ${quote(q.fixVersion)}`);
    if (q.openOnly !== false) clauses.push('statusCategory != Done');
    if (q.native) clauses.push(`(${q.native})`);
    return `${clauses.join(' AND ')} ORDER BY ${orderBy}`;
  }

  async search(q: IssueQuery): Promise<IssueSummary[]> {
    const limit = q.limit ?? 1000;
    const jql = this.jqlFor(q);
    return this.client.call('search issues', async (api) => {
      const found: IssueSummary[] = [];
      let nextPageToken: string | undefined;
      // The enhanced search pages with nextPageToken (absent or isLast on the last page).
      do {
        const page = (await api.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
          jql,
          fields: this.fieldList,
          maxResults: Math.min(PAGE, limit - found.length),
          ...(nextPageToken ? { nextPageToken } : {}),
        })) as Json;
        for (const i of page.issues ?? []) found.push(this.summary(i));
        nextPageToken = page.isLast === true ? undefined : (page.nextPageToken ?? undefined);
      } while (nextPageToken && found.length < limit);
      return found.slice(0, limit);
    });
  }

  async createIssue(input: NewIssue): Promise<TrackerIssue> {
    const fields: Record<string, unknown> = {
      project: { key: this.opts.project },
      summary: input.title,
      issuetype: { name: input.type ?? this.opts.issueType },
      description: textToAdf(input.body),
      labels: input.labels ?? [],
    };
    if (input.fixVersions?.length) fields.fixVersions = input.fixVersions.map((name) => ({ name }));
    if (input.commitHashLines?.length)
      fields[this.opts.fields.commit_hashes] = this.hashValue(input.commitHashLines);
    const labels = input.labels ?? [];
    const created = await this.client.call(
      'create issue',
      (api) => api.issues.createIssue({ fields } as never) as Promise<Json>,
      { recover: (api, { since }) => this.findCreated(api, input.title, labels, since) },
    );
    return this.getIssue(created.key);
  }

  /**
   * The issue an earlier try of `createIssue` made, if Jira made it and the answer was lost.
   * `summary ~` is a fuzzy text search (and Lucene reserves much punctuation), so it is given
   * the summary's words only; the exact summary, the labels and the creation time since the
   * first try are matched here.
   */
  private async findCreated(
    api: Version3Client,
    title: string,
    labels: string[],
    since: Date,
  ): Promise<Json | null> {
    const words = title.match(/[\p{L}\p{N}]+/gu) ?? [];
    const native = words.length ? `summary ~ "${words.join(' ')}"` : undefined;
    const jql = this.jqlFor({ labels, openOnly: false, ...(native ? { native } : {}) }, 'created DESC');
    const page = (await api.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
      jql,
      fields: ['summary', 'labels', 'created'],
      maxResults: 20,
    })) as Json;
    return (
      (page.issues ?? []).find(
        (i: Json) =>
          i.fields?.summary === title &&
          createdSince(i.fields?.created, since) &&
          labels.every((l) => (i.fields?.labels ?? []).includes(l)),
      ) ?? null
    );
  }

  async updateIssue(key: string, patch: IssuePatch): Promise<TrackerIssue> {
    const k = this.key(key);
    const fields: Record<string, unknown> = {};
    if (patch.title !== undefined) fields.summary = patch.title;
    if (patch.body !== undefined) fields.description = textToAdf(patch.body);
    if (patch.fixVersions) fields.fixVersions = patch.fixVersions.map((name) => ({ name }));
    if (patch.commitHashLines) fields[this.opts.fields.commit_hashes] = this.hashValue(patch.commitHashLines);
    const labelOps = [
      ...(patch.addLabels ?? []).map((l) => ({ add: l })),
      ...(patch.removeLabels ?? []).map((l) => ({ remove: l })),
    ];
    if (Object.keys(fields).length || labelOps.length)
      await this.client.call(`update issue ${k}`, (api) =>
        api.issues.editIssue({
          issueIdOrKey: k,
          ...(Object.keys(fields).length ? { fields } : {}),
          ...(labelOps.length ? { update: { labels: labelOps } } : {}),
        } as never),
      );
    return this.getIssue(k);
  }

  async closeIssue(key: string, comment?: { body: string; marker: string }): Promise<void> {
    const k = this.key(key);
    if (comment) await this.addComment(k, comment.body, comment.marker);
    const issue = (await this.client.call(`read issue ${k}`, (api) =>
      api.issues.getIssue({ issueIdOrKey: k, fields: ['status'] }),
    )) as Json;
    if (issue.fields?.status?.statusCategory?.key === 'done') return;
    const { transitions } = (await this.client.call(`read transitions of ${k}`, (api) =>
      api.issues.getTransitions({ issueIdOrKey: k }),
    )) as Json;
    const wanted = this.opts.closeTransition;
    const t = (transitions ?? []).find((x: Json) =>
      wanted ? x.name === wanted : x.to?.statusCategory?.key === 'done',
    );
    if (!t)
      throw new TrackerInputError(
        k,
        `${k} has no transition ${wanted ? `named '${wanted}'` : 'into a Done status'} from ${issue.fields?.status?.name}`,
      );
    await this.client.call(`close issue ${k}`, (api) =>
      api.issues.doTransition({ issueIdOrKey: k, transition: { id: t.id } }),
    );
  }

  async addLabels(key: string, labels: string[]): Promise<void> {
    const k = this.key(key);
    if (!labels.length) return;
    await this.client.call(`add labels to ${k}`, (api) =>
      api.issues.editIssue({ issueIdOrKey: k, update: { labels: labels.map((l) => ({ add: l })) } } as never),
    );
  }

  /** Every comment of the issue with its properties: the list is paged, properties come by id. */
  private async comments(api: Version3Client, k: string): Promise<Json[]> {
    const ids: number[] = [];
    let startAt = 0;
    for (;;) {
      const page = (await api.issueComments.getComments({
        issueIdOrKey: k,
        startAt,
        maxResults: PAGE,
      })) as Json;
      const got = page.comments ?? [];
      ids.push(...got.map((c: Json) => Number(c.id)));
      startAt += got.length;
      if (got.length === 0 || startAt >= (page.total ?? 0)) break;
    }
    const all: Json[] = [];
    for (let i = 0; i < ids.length; i += PAGE) {
      const page = (await api.issueComments.getCommentsByIds({
        ids: ids.slice(i, i + PAGE),
        expand: 'properties',
      })) as Json;
      all.push(...(page.values ?? []));
    }
    return all;
  }

  private markerOfComment(c: Json): string | null {
    const prop = (c.properties ?? []).find((p: Json) => p.key === PROPERTY);
    return (prop?.value?.marker as string | undefined) ?? null;
  }

  private toComment(c: Json): TrackerComment {
    return {
      id: String(c.id),
      body: adfToText(c.body),
      marker: this.markerOfComment(c),
      author: c.author?.accountId ?? c.author?.name ?? null,
      createdAt: c.created ?? null,
    };
  }

  async findComment(key: string, marker: string): Promise<TrackerComment | null> {
    assertMarker(marker);
    const k = this.key(key);
    const all = await this.client.call(`list comments of ${k}`, (api) => this.comments(api, k));
    const hit = all.find((c) => this.markerOfComment(c) === marker);
    return hit ? this.toComment(hit) : null;
  }

  async addComment(
    key: string,
    body: string,
    marker: string,
  ): Promise<{ comment: TrackerComment; created: boolean }> {
    assertMarker(marker);
    const k = this.key(key);
    return this.client.call(`comment on ${k}`, async (api) => {
      const hit = (await this.comments(api, k)).find((c) => this.markerOfComment(c) === marker);
      if (hit) return { comment: this.toComment(hit), created: false };
      const made = await api.issueComments.addComment({
        issueIdOrKey: k,
        comment: textToAdf(body) as never,
        properties: [{ key: PROPERTY, value: { marker } }],
      });
      return {
        comment: this.toComment({ ...made, properties: [{ key: PROPERTY, value: { marker } }] }),
        created: true,
      };
    });
  }

  async linkMergeRequest(key: string, mr: { url: string; title: string }): Promise<void> {
    const k = this.key(key);
    await this.client.call(`link ${mr.url} to ${k}`, (api) =>
      api.issueRemoteLinks.createOrUpdateRemoteIssueLink({
        issueIdOrKey: k,
        globalId: mr.url,
        relationship: 'merge request',
        object: { url: mr.url, title: mr.title },
      }),
    );
  }

  parseEvent(headers: WebhookHeaders, body: unknown): TrackerEvent | null {
    const p = jsonObject(body) as Json;
    const issue = p?.issue;
    if (!p || typeof issue?.key !== 'string') return null;
    const project = issue.fields?.project?.key ?? issue.key.replace(/-\d+$/, '');
    if (project !== this.opts.project) return null;
    const ev = (
      action: TrackerEvent['action'],
      changed: IssueField[],
      commands: TrackerEvent['commands'] = [],
    ): TrackerEvent => ({
      tracker: this.name,
      issueKey: issue.key,
      action,
      changed,
      commands,
      actor: p.user?.accountId ?? p.user?.name ?? p.comment?.author?.accountId ?? null,
      deliveryId: headerValue(headers, 'x-atlassian-webhook-identifier'),
    });
    switch (p.webhookEvent) {
      case 'jira:issue_created':
        return ev('created', []);
      case 'jira:issue_updated': {
        const changed: IssueField[] = [];
        for (const item of p.changelog?.items ?? []) {
          const id = item.fieldId ?? item.field;
          if (id === this.opts.fields.commit_hashes) changed.push('commit_hashes');
          else if (id === 'status') changed.push('status');
          else if (id === 'fixVersions' || item.field === 'Fix Version') changed.push('fix_versions');
          else if (id === 'labels') {
            const after = new Set(
              String(item.toString ?? '')
                .split(/\s+/)
                .filter(Boolean),
            );
            if (
              String(item.fromString ?? '')
                .split(/\s+/)
                .some((l: string) => l && !after.has(l))
            )
              changed.push('labels_removed');
          }
        }
        const unique = [...new Set(changed)];
        return unique.length ? ev('updated', unique) : null;
      }
      case 'comment_created': {
        const text = adfToText(p.comment?.body);
        if (markerOf(text)) return null;
        const commands = parseBackportCommands(text, String(p.comment?.id ?? ''));
        return commands.length ? ev('commented', [], commands) : null;
      }
      default:
        return null;
    }
  }
}
