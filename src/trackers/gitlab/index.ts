import type { GitLabApi, GitLabClient } from '../../vendors/gitlab/client.js';
import { createdSince } from '../../vendors/retry.js';
import { parseBackportCommands } from '../commands.js';
import { changedFormFields, readIssueForm, writeIssueForm } from '../issue-form.js';
import { assertMarker, linkMarker, linksInComments, markerOf, withMarker } from '../markers.js';
import {
  type IssueField,
  type IssueLink,
  type IssuePatch,
  type IssueQuery,
  type IssueSummary,
  type NewIssue,
  type Tracker,
  type TrackerComment,
  type TrackerEvent,
  TrackerInputError,
  type TrackerIssue,
  type WebhookHeaders,
} from '../types.js';
import { headerValue, jsonObject } from '../webhook.js';

/**
 * GitLab Issues as a tracker, with the same conventions as GitHub's: the hashes and the Fix
 * Version are sections of the description (a description template can lay them out), the
 * milestone is the Fix Version otherwise, `/backport` lines in notes are commands, and Ferry's
 * notes carry a hidden marker. Related merge requests count as links.
 */

export interface GitLabTrackerOptions {
  name: string;
  /** The project's full path (`group/project`) or numeric id. */
  project: string;
  form: { commit_hashes: string; fix_version: string };
  command: string;
}

// biome-ignore lint/suspicious/noExplicitAny: issue and note JSON as GitLab returns it
type Json = any;

export class GitLabTracker implements Tracker {
  readonly kind = 'gitlab' as const;
  readonly name: string;

  constructor(
    private readonly client: GitLabClient,
    private readonly opts: GitLabTrackerOptions,
  ) {
    this.name = opts.name;
  }

  private get project(): string {
    return this.opts.project;
  }

  /** `group/project#12`; `#12` and `12` mean the configured project. */
  private iid(key: string): number {
    const m = /^(?:([\w.-]+(?:\/[\w.-]+)+))?#?(\d+)$/.exec(key.trim());
    if (!m || (m[1] && m[1].toLowerCase() !== this.project.toLowerCase()))
      throw new TrackerInputError(
        key,
        `issue key '${key}' is not an issue of ${this.project} (expected ${this.project}#<iid>)`,
      );
    return Number(m[2]);
  }

  private key(iid: number): string {
    return `${this.project}#${iid}`;
  }

  private summary(i: Json): IssueSummary {
    const form = readIssueForm(i.description, this.opts.form, i.milestone?.title);
    return {
      key: this.key(i.iid),
      url: i.web_url ?? null,
      title: i.title,
      status: i.state === 'opened' ? 'open' : i.state,
      fixVersions: form.fixVersions,
      labels: (i.labels ?? []).map((l: Json) => (typeof l === 'string' ? l : l.name)),
      commitHashLines: form.commitHashLines,
      type: i.issue_type ?? i.type ?? null,
      severity: i.severity && i.severity !== 'UNKNOWN' ? i.severity : null,
      updatedAt: i.updated_at ?? null,
    };
  }

  private readIssue(iid: number): Promise<Json> {
    return this.client.call(`read issue ${this.key(iid)}`, (api) =>
      api.Issues.show(iid, { projectId: this.project }),
    );
  }

  private listNotes(api: GitLabApi, iid: number): Promise<Json[]> {
    return api.IssueNotes.all(this.project, iid, { sort: 'asc', perPage: 100 }) as Promise<Json[]>;
  }

  async getIssue(key: string): Promise<TrackerIssue> {
    const iid = this.iid(key);
    const issue = await this.readIssue(iid);
    const [notes, related] = await Promise.all([
      this.client.call(`list notes of ${this.key(iid)}`, (api) => this.listNotes(api, iid)),
      this.client.call(`list merge requests related to ${this.key(iid)}`, (api) =>
        api.Issues.allRelatedMergeRequests(this.project, iid),
      ),
    ]);
    const links: IssueLink[] = linksInComments(notes.map((n) => n.body));
    for (const mr of related as Json[])
      if (!links.some((l) => l.url === mr.web_url))
        links.push({ url: mr.web_url, title: mr.title, via: 'reference' });
    return { ...this.summary(issue), links };
  }

  async search(q: IssueQuery): Promise<IssueSummary[]> {
    const limit = q.limit ?? 1000;
    const perPage = 100;
    const items = (await this.client.call('search issues', (api) =>
      api.Issues.all({
        projectId: this.project,
        state: q.openOnly === false ? undefined : 'opened',
        ...(q.labels?.length ? { labels: q.labels.join(',') } : {}),
        ...(q.native ? { search: q.native } : {}),
        perPage,
        // Pages are read until enough issues came back (the Fix Version filter runs here).
        maxPages: q.fixVersion ? undefined : Math.ceil(limit / perPage),
      } as never),
    )) as Json[];
    return items
      .map((i) => this.summary(i))
      .filter((s) => !q.fixVersion || s.fixVersions.includes(q.fixVersion))
      .slice(0, limit);
  }

  async createIssue(input: NewIssue): Promise<TrackerIssue> {
    const description = writeIssueForm(input.body, this.opts.form, {
      fixVersions: input.fixVersions,
      commitHashLines: input.commitHashLines ?? [],
    });
    const labels = input.labels ?? [];
    const created = await this.client.call(
      'create issue',
      (api) =>
        api.Issues.create(this.project, input.title, {
          description,
          ...(labels.length ? { labels: labels.join(',') } : {}),
        }),
      { recover: (api, { since }) => this.findCreated(api, input.title, labels, since) },
    );
    return { ...this.summary(created), links: [] };
  }

  /**
   * The issue an earlier try of `createIssue` made, if GitLab made it and the answer was lost:
   * the newest issues with the same labels whose title holds the text (GitLab's search is
   * fuzzy), matched by exact title and created since that try.
   */
  private async findCreated(
    api: GitLabApi,
    title: string,
    labels: string[],
    since: Date,
  ): Promise<Json | null> {
    const items = (await api.Issues.all({
      projectId: this.project,
      ...(labels.length ? { labels: labels.join(',') } : {}),
      search: title,
      in: 'title',
      orderBy: 'created_at',
      sort: 'desc',
      perPage: 20,
      maxPages: 1,
    } as never)) as Json[];
    return (
      items.find(
        (i) =>
          i.title === title &&
          createdSince(i.created_at, since) &&
          labels.every((l) => this.summary(i).labels.includes(l)),
      ) ?? null
    );
  }

  async updateIssue(key: string, patch: IssuePatch): Promise<TrackerIssue> {
    const iid = this.iid(key);
    const edit: Record<string, string> = {};
    if (patch.title !== undefined) edit.title = patch.title;
    if (patch.body !== undefined || patch.fixVersions || patch.commitHashLines) {
      const base = patch.body !== undefined ? patch.body : (await this.readIssue(iid)).description;
      edit.description = writeIssueForm(base, this.opts.form, patch);
    }
    if (patch.addLabels?.length) edit.addLabels = patch.addLabels.join(',');
    if (patch.removeLabels?.length) edit.removeLabels = patch.removeLabels.join(',');
    if (Object.keys(edit).length)
      await this.client.call(`update issue ${this.key(iid)}`, (api) =>
        api.Issues.edit(this.project, iid, edit),
      );
    return this.getIssue(key);
  }

  async closeIssue(key: string, comment?: { body: string; marker: string }): Promise<void> {
    const iid = this.iid(key);
    if (comment) await this.addComment(key, comment.body, comment.marker);
    const issue = await this.readIssue(iid);
    if (issue.state === 'closed') return;
    await this.client.call(`close issue ${this.key(iid)}`, (api) =>
      api.Issues.edit(this.project, iid, { stateEvent: 'close' }),
    );
  }

  async addLabels(key: string, labels: string[]): Promise<void> {
    const iid = this.iid(key);
    if (!labels.length) return;
    // add_labels adds to what is there; GitLab ignores labels the issue already has.
    await this.client.call(`add labels to ${this.key(iid)}`, (api) =>
      api.Issues.edit(this.project, iid, { addLabels: labels.join(',') }),
    );
  }

  private toComment(n: Json): TrackerComment {
    return {
      id: String(n.id),
      body: n.body ?? '',
      marker: markerOf(n.body),
      author: n.author?.username ?? null,
      createdAt: n.created_at ?? null,
    };
  }

  async findComment(key: string, marker: string): Promise<TrackerComment | null> {
    assertMarker(marker);
    const iid = this.iid(key);
    const notes = await this.client.call(`list notes of ${this.key(iid)}`, (api) => this.listNotes(api, iid));
    const hit = notes.find((n) => markerOf(n.body) === marker);
    return hit ? this.toComment(hit) : null;
  }

  async addComment(
    key: string,
    body: string,
    marker: string,
  ): Promise<{ comment: TrackerComment; created: boolean }> {
    const iid = this.iid(key);
    const text = withMarker(body, marker);
    return this.client.call(`comment on ${this.key(iid)}`, async (api) => {
      const hit = (await this.listNotes(api, iid)).find((n) => markerOf(n.body) === marker);
      if (hit) return { comment: this.toComment(hit), created: false };
      return { comment: this.toComment(await api.IssueNotes.create(this.project, iid, text)), created: true };
    });
  }

  async linkMergeRequest(key: string, mr: { url: string; title: string }): Promise<void> {
    await this.addComment(key, `Backport merge request: ${mr.url} (${mr.title})`, linkMarker(mr.url));
  }

  private isThisProject(p: Json): boolean {
    const project = p?.project;
    const want = this.project.toLowerCase();
    return (
      String(project?.path_with_namespace ?? '').toLowerCase() === want ||
      String(project?.id ?? p?.project_id ?? '') === this.project
    );
  }

  parseEvent(headers: WebhookHeaders, body: unknown): TrackerEvent | null {
    const event = headerValue(headers, 'x-gitlab-event');
    const p = jsonObject(body) as Json;
    if (!p || !event || !this.isThisProject(p)) return null;
    const ev = (
      iid: number,
      action: TrackerEvent['action'],
      changed: IssueField[],
      commands: TrackerEvent['commands'] = [],
    ) => ({
      tracker: this.name,
      issueKey: this.key(iid),
      action,
      changed,
      commands,
      actor: p.user?.username ?? null,
      deliveryId: headerValue(headers, 'x-gitlab-event-uuid'),
    });
    const attrs = p.object_attributes ?? {};
    if (event === 'Note Hook' || event === 'Confidential Note Hook') {
      if (attrs.noteable_type !== 'Issue' || !p.issue?.iid || markerOf(attrs.note)) return null;
      const commands = parseBackportCommands(attrs.note ?? '', String(attrs.id), this.opts.command);
      return commands.length ? ev(p.issue.iid, 'commented', [], commands) : null;
    }
    if (event !== 'Issue Hook' && event !== 'Confidential Issue Hook') return null;
    const iid = attrs.iid;
    if (typeof iid !== 'number') return null;
    switch (attrs.action) {
      case 'open':
        return ev(iid, 'created', []);
      case 'close':
        return ev(iid, 'closed', ['status']);
      case 'reopen':
        return ev(iid, 'reopened', ['status']);
      case 'update': {
        const ch = p.changes ?? {};
        const changed: IssueField[] = ch.description
          ? changedFormFields(ch.description.previous, ch.description.current, this.opts.form)
          : [];
        if (ch.milestone_id && !changed.includes('fix_versions')) changed.push('fix_versions');
        if (ch.labels) {
          const now = new Set((ch.labels.current ?? []).map((l: Json) => l.title));
          if ((ch.labels.previous ?? []).some((l: Json) => !now.has(l.title))) changed.push('labels_removed');
        }
        return changed.length ? ev(iid, 'updated', changed) : null;
      }
      default:
        return null;
    }
  }
}
