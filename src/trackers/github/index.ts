import type { Octokit } from '@octokit/rest';
import type { GitHubClient } from '../../vendors/github/client.js';
import { createdSince } from '../../vendors/retry.js';
import { parseBackportCommands } from '../commands.js';
import { changedFormFields, readIssueForm, writeIssueForm } from '../issue-form.js';
import { assertMarker, linkMarker, linksInComments, markerOf, withMarker } from '../markers.js';
import {
  type BackportCommand,
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
 * GitHub Issues as a tracker. The commit hashes are the `### Commit hashes` section of the issue
 * body (what an issue form renders) or a `/backport <sha>... [to <stream>]` comment; the Fix
 * Version is the `### Fix version` section, else the milestone. Ferry's comments carry a hidden
 * marker; a link to a PR is a marked comment, and PRs that mention the issue count as links too.
 */

export interface GitHubTrackerOptions {
  name: string;
  repo: string;
  form: { commit_hashes: string; fix_version: string };
  command: string;
}

// biome-ignore lint/suspicious/noExplicitAny: issue JSON as GitHub returns it
type IssueJson = any;

export class GitHubTracker implements Tracker {
  readonly kind = 'github' as const;
  readonly name: string;
  private readonly owner: string;
  private readonly repoName: string;

  constructor(
    private readonly client: GitHubClient,
    private readonly opts: GitHubTrackerOptions,
  ) {
    this.name = opts.name;
    [this.owner, this.repoName] = opts.repo.split('/') as [string, string];
  }

  private get repo() {
    return { owner: this.owner, repo: this.repoName };
  }

  /** `owner/repo#12`; `#12` and `12` mean the configured repository. */
  private number(key: string): number {
    const m = /^(?:([\w.-]+\/[\w.-]+))?#?(\d+)$/.exec(key.trim());
    if (!m || (m[1] && m[1].toLowerCase() !== this.opts.repo.toLowerCase()))
      throw new TrackerInputError(
        key,
        `issue key '${key}' is not an issue of ${this.opts.repo} (expected ${this.opts.repo}#<number>)`,
      );
    return Number(m[2]);
  }

  private key(n: number): string {
    return `${this.opts.repo}#${n}`;
  }

  private summary(i: IssueJson): IssueSummary {
    const form = readIssueForm(i.body, this.opts.form, i.milestone?.title);
    return {
      key: this.key(i.number),
      url: i.html_url,
      title: i.title,
      status: i.state,
      fixVersions: form.fixVersions,
      labels: (i.labels ?? []).map((l: IssueJson) => (typeof l === 'string' ? l : l.name)),
      commitHashLines: form.commitHashLines,
      type: i.type?.name ?? null,
      severity: null,
      updatedAt: i.updated_at ?? null,
    };
  }

  private async readIssueJson(n: number): Promise<IssueJson> {
    const data = await this.client.call(
      `read issue ${this.key(n)}`,
      async (o) => (await o.rest.issues.get({ ...this.repo, issue_number: n })).data,
    );
    if (data.pull_request)
      throw new TrackerInputError(this.key(n), `${this.key(n)} is a pull request, not an issue`);
    return data;
  }

  private listComments(n: number) {
    return this.client.call(`list comments of ${this.key(n)}`, (o: Octokit) =>
      o.paginate(o.rest.issues.listComments, { ...this.repo, issue_number: n, per_page: 100 }),
    );
  }

  async getIssue(key: string): Promise<TrackerIssue> {
    const n = this.number(key);
    const issue = await this.readIssueJson(n);
    const [comments, timeline] = await Promise.all([
      this.listComments(n),
      this.client.call(`read the timeline of ${this.key(n)}`, (o: Octokit) =>
        o.paginate(o.rest.issues.listEventsForTimeline, { ...this.repo, issue_number: n, per_page: 100 }),
      ),
    ]);
    const links: IssueLink[] = linksInComments(comments.map((c) => c.body));
    for (const e of timeline as IssueJson[]) {
      const src = e.event === 'cross-referenced' ? e.source?.issue : null;
      if (src?.pull_request && !links.some((l) => l.url === src.html_url))
        links.push({ url: src.html_url, title: src.title, via: 'reference' });
    }
    return { ...this.summary(issue), links };
  }

  async search(q: IssueQuery): Promise<IssueSummary[]> {
    const limit = q.limit ?? 1000;
    const params = {
      ...this.repo,
      state: q.openOnly === false ? ('all' as const) : ('open' as const),
      ...(q.labels?.length ? { labels: q.labels.join(',') } : {}),
      per_page: 100,
    };
    return this.client.call('search issues', async (o: Octokit) => {
      const found: IssueSummary[] = [];
      // The list holds pull requests too; the Fix Version may live in the body: both filtered here.
      await o.paginate(o.rest.issues.listForRepo, params, (response, done) => {
        for (const i of response.data) {
          if (i.pull_request) continue;
          const s = this.summary(i);
          if (!q.fixVersion || s.fixVersions.includes(q.fixVersion)) found.push(s);
        }
        if (found.length >= limit) done();
        return [];
      });
      return found.slice(0, limit);
    });
  }

  async createIssue(input: NewIssue): Promise<TrackerIssue> {
    const body = writeIssueForm(input.body, this.opts.form, {
      fixVersions: input.fixVersions,
      commitHashLines: input.commitHashLines ?? [],
    });
    const labels = input.labels ?? [];
    const created = await this.client.call(
      'create issue',
      async (o) => (await o.rest.issues.create({ ...this.repo, title: input.title, body, labels })).data,
      { recover: (o, { since }) => this.findCreated(o, input.title, labels, since) },
    );
    return { ...this.summary(created), links: [] };
  }

  /**
   * The issue an earlier try of `createIssue` made, if GitHub made it and the answer was lost:
   * the newest issues with the same labels, matched by exact title and created since that try.
   */
  private async findCreated(
    o: Octokit,
    title: string,
    labels: string[],
    since: Date,
  ): Promise<IssueJson | null> {
    const { data } = await o.rest.issues.listForRepo({
      ...this.repo,
      state: 'all',
      ...(labels.length ? { labels: labels.join(',') } : {}),
      sort: 'created',
      direction: 'desc',
      per_page: 30,
    });
    return (
      data.find(
        (i) =>
          !i.pull_request &&
          i.title === title &&
          createdSince(i.created_at, since) &&
          labels.every((l) => this.summary(i).labels.includes(l)),
      ) ?? null
    );
  }

  async updateIssue(key: string, patch: IssuePatch): Promise<TrackerIssue> {
    const n = this.number(key);
    if (patch.title !== undefined || patch.body !== undefined || patch.fixVersions || patch.commitHashLines) {
      const current = await this.readIssueJson(n);
      const base = patch.body !== undefined ? patch.body : current.body;
      const body = writeIssueForm(base, this.opts.form, patch);
      await this.client.call(`update issue ${this.key(n)}`, (o) =>
        o.rest.issues.update({
          ...this.repo,
          issue_number: n,
          ...(patch.title !== undefined ? { title: patch.title } : {}),
          body,
        }),
      );
    }
    if (patch.addLabels?.length) await this.addLabels(key, patch.addLabels);
    for (const label of patch.removeLabels ?? []) {
      const issue = await this.readIssueJson(n);
      if (!this.summary(issue).labels.includes(label)) continue;
      await this.client.call(`remove label ${label} from ${this.key(n)}`, (o) =>
        o.rest.issues.removeLabel({ ...this.repo, issue_number: n, name: label }),
      );
    }
    return this.getIssue(key);
  }

  async closeIssue(key: string, comment?: { body: string; marker: string }): Promise<void> {
    const n = this.number(key);
    if (comment) await this.addComment(key, comment.body, comment.marker);
    const issue = await this.readIssueJson(n);
    if (issue.state === 'closed') return;
    await this.client.call(`close issue ${this.key(n)}`, (o) =>
      o.rest.issues.update({ ...this.repo, issue_number: n, state: 'closed', state_reason: 'not_planned' }),
    );
  }

  async addLabels(key: string, labels: string[]): Promise<void> {
    const n = this.number(key);
    if (labels.length === 0) return;
    await this.client.call(`add labels to ${this.key(n)}`, (o) =>
      o.rest.issues.addLabels({ ...this.repo, issue_number: n, labels }),
    );
  }

  private toComment(c: IssueJson): TrackerComment {
    return {
      id: String(c.id),
      body: c.body ?? '',
      marker: markerOf(c.body),
      author: c.user?.login ?? null,
      createdAt: c.created_at,
    };
  }

  async findComment(key: string, marker: string): Promise<TrackerComment | null> {
    assertMarker(marker);
    const comments = await this.listComments(this.number(key));
    const hit = comments.find((c) => markerOf(c.body) === marker);
    return hit ? this.toComment(hit) : null;
  }

  async addComment(
    key: string,
    body: string,
    marker: string,
  ): Promise<{ comment: TrackerComment; created: boolean }> {
    const n = this.number(key);
    const text = withMarker(body, marker);
    // Look and post in one retried operation: a post whose answer was lost is found next time.
    return this.client.call(`comment on ${this.key(n)}`, async (o) => {
      const comments = await o.paginate(o.rest.issues.listComments, {
        ...this.repo,
        issue_number: n,
        per_page: 100,
      });
      const hit = comments.find((c) => markerOf(c.body) === marker);
      if (hit) return { comment: this.toComment(hit), created: false };
      const made = await o.rest.issues.createComment({ ...this.repo, issue_number: n, body: text });
      return { comment: this.toComment(made.data), created: true };
    });
  }

  async linkMergeRequest(key: string, mr: { url: string; title: string }): Promise<void> {
    await this.addComment(key, `Backport pull request: ${mr.url} (${mr.title})`, linkMarker(mr.url));
  }

  parseEvent(headers: WebhookHeaders, body: unknown): TrackerEvent | null {
    const event = headerValue(headers, 'x-github-event');
    const p = jsonObject(body) as IssueJson;
    if (!p || !event) return null;
    if (String(p.repository?.full_name ?? '').toLowerCase() !== this.opts.repo.toLowerCase()) return null;
    const issue = p.issue;
    if (!issue || issue.pull_request) return null;
    const ev = (
      action: TrackerEvent['action'],
      changed: IssueField[],
      commands: BackportCommand[] = [],
    ): TrackerEvent => ({
      tracker: this.name,
      issueKey: this.key(issue.number),
      action,
      changed,
      commands,
      actor: p.sender?.login ?? null,
      deliveryId: headerValue(headers, 'x-github-delivery'),
    });
    if (event === 'issue_comment') {
      // Ferry's own comments carry a marker and are never commands.
      if (p.action !== 'created' || markerOf(p.comment?.body)) return null;
      const commands = parseBackportCommands(p.comment?.body ?? '', String(p.comment?.id), this.opts.command);
      return commands.length ? ev('commented', [], commands) : null;
    }
    if (event !== 'issues') return null;
    switch (p.action) {
      case 'opened':
        return ev('created', []);
      case 'closed':
      case 'reopened':
        return ev(p.action, ['status']);
      case 'milestoned':
      case 'demilestoned':
        return ev('updated', ['fix_versions']);
      case 'unlabeled':
        return ev('updated', ['labels_removed']);
      case 'edited': {
        const before = p.changes?.body?.from;
        if (typeof before !== 'string') return null;
        const changed: IssueField[] = changedFormFields(before, issue.body, this.opts.form);
        return changed.length ? ev('updated', changed) : null;
      }
      default:
        return null;
    }
  }
}
