import { execFileSync } from 'node:child_process';
import { createPublicKey, createVerify, randomBytes } from 'node:crypto';
import { type FakeRequest, type FakeResponse, FakeServer, HttpError } from '../http.js';
import { githubOpenApi, type Operation } from './openapi.js';

/**
 * A fake api.github.com that speaks the subset Ferry uses: issues, labels, comments, the issue
 * timeline, pull requests and their reviews, and GitHub App installation tokens. Every request is
 * matched to its operation in `@octokit/openapi` and validated (path, query, body); a request the
 * real API would refuse gets GitHub's 422/404 and is recorded as a violation, which tests assert
 * to be empty. Every answer, injected faults included, is validated against the operation's
 * response schema before it is sent. Objects are built from the description's own examples.
 *
 * Repositories can be backed by a real bare git repository: a pull request's head and base must
 * then exist there, as on GitHub.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON objects shaped by the OpenAPI examples
type Json = any;

interface CommentRec {
  id: number;
  body: string;
  user: string;
  created_at: string;
}

interface PullRec {
  headRef: string;
  headRepo: string;
  base: string;
  draft: boolean;
  merged: boolean;
  reviews: { id: number; user: string; state: string; submitted_at: string }[];
}

interface CrossRef {
  fromRepo: string;
  number: number;
  at: string;
}

export interface IssueRec {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  milestone: string | null;
  user: string;
  comments: CommentRec[];
  crossRefs: CrossRef[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  pull: PullRec | null;
}

interface RepoRec {
  id: number;
  owner: string;
  name: string;
  /** A bare git repository holding the branches, when the test gives one. */
  gitDir: string | null;
  next: number;
  issues: Map<number, IssueRec>;
}

export interface GitHubFakeOptions {
  /** The personal access token requests must carry (`Authorization: token …`). */
  token?: string;
  /** A GitHub App: JWTs signed with its key (RS256) may create installation tokens. */
  app?: { id: number; publicKeyPem: string; installationId: number };
}

const DOCS = 'https://docs.github.com/rest';
// The vendor's clock: real time (Ferry compares creation times with its own), one second apart
// at least, so that timestamps order events as they happened.
let clock = 0;
const now = () => {
  clock = Math.max(clock + 1000, Date.now());
  return new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
};

export class GitHubFake extends FakeServer {
  private readonly api = githubOpenApi();
  private readonly ex = this.api.doc.components.examples;
  readonly repos = new Map<string, RepoRec>();
  private readonly installationTokens = new Set<string>();
  private nextId = 1000;

  constructor(private readonly opts: GitHubFakeOptions = {}) {
    super();
  }

  addRepo(fullName: string, gitDir: string | null = null): void {
    const [owner, name] = fullName.split('/') as [string, string];
    this.repos.set(fullName.toLowerCase(), {
      id: this.nextId++,
      owner,
      name,
      gitDir,
      next: 1,
      issues: new Map(),
    });
  }

  /** Files an issue directly, as a person would on the website. */
  seedIssue(
    fullName: string,
    init: {
      title: string;
      body?: string | null;
      labels?: string[];
      milestone?: string | null;
      user?: string;
    },
  ): IssueRec {
    const repo = this.repo(fullName);
    const t = now();
    const rec: IssueRec = {
      number: repo.next++,
      title: init.title,
      body: init.body ?? null,
      state: 'open',
      state_reason: null,
      labels: [...(init.labels ?? [])],
      milestone: init.milestone ?? null,
      user: init.user ?? 'octocat',
      comments: [],
      crossRefs: [],
      created_at: t,
      updated_at: t,
      closed_at: null,
      pull: null,
    };
    repo.issues.set(rec.number, rec);
    return rec;
  }

  issue(fullName: string, number: number): IssueRec {
    const rec = this.repo(fullName).issues.get(number);
    if (!rec) throw new Error(`no issue ${fullName}#${number}`);
    return rec;
  }

  /** Pull requests (any state) of a repository. */
  pulls(fullName: string): IssueRec[] {
    return [...this.repo(fullName).issues.values()].filter((i) => i.pull);
  }

  addReview(
    fullName: string,
    number: number,
    user: string,
    state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED',
  ): void {
    this.issue(fullName, number).pull!.reviews.push({ id: this.nextId++, user, state, submitted_at: now() });
  }

  private repo(fullName: string): RepoRec {
    const r = this.repos.get(fullName.toLowerCase());
    if (!r) throw new HttpError(404, this.notFound());
    return r;
  }

  private notFound() {
    return { message: 'Not Found', documentation_url: DOCS, status: '404' };
  }

  private validationFailed(errors: Json[], message = 'Validation Failed') {
    return { message, errors, documentation_url: DOCS, status: '422' };
  }

  protected async dispatch(req: FakeRequest): Promise<FakeResponse> {
    const op = this.api.findOperation(req.method, req.path);
    if (!op) {
      this.violations.push(`${req.method} ${req.path}: no such operation in api.github.com`);
      return { status: 404, body: this.notFound() };
    }
    const problems = this.api.validateRequest(op, req.query, req.body);
    if (problems.length > 0) {
      this.violations.push(`${op.operationId} request: ${problems.join('; ')}`);
      return this.respond(op, {
        status: 422,
        body: this.validationFailed(
          problems.map((p) => ({ resource: op.operationId, code: 'invalid', message: p })),
        ),
      });
    }
    const denied = this.authenticate(op, req);
    if (denied) return this.respond(op, denied);
    return this.respond(op, await this.withFaults(req, async () => this.route(op, req)));
  }

  /** Validates the answer against the operation's response schema before it leaves. */
  private respond(op: Operation, res: FakeResponse): FakeResponse {
    const problems = this.api.validateResponse(op, res.status, res.body);
    if (problems.length > 0) {
      this.violations.push(`${op.operationId} ${res.status} response: ${problems.slice(0, 5).join('; ')}`);
      return { status: 500, body: { message: `fake produced an invalid response: ${problems[0]}` } };
    }
    return { ...res, headers: { 'x-github-request-id': randomBytes(4).toString('hex'), ...res.headers } };
  }

  private authenticate(op: Operation, req: FakeRequest): FakeResponse | null {
    const auth = String(req.headers.authorization ?? '');
    const bad = { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
    const appOnly = op.template.startsWith('/app/') || op.operationId === 'apps/get-repo-installation';
    const [scheme = '', credential = ''] = auth.split(' ');
    if (appOnly) {
      if (!this.opts.app || scheme.toLowerCase() !== 'bearer' || !this.verifyJwt(credential)) return bad;
      return null;
    }
    if (scheme.toLowerCase() !== 'token' && scheme.toLowerCase() !== 'bearer') return bad;
    if (this.opts.token !== undefined && credential === this.opts.token) return null;
    if (this.installationTokens.has(credential)) return null;
    return bad;
  }

  private verifyJwt(jwt: string): boolean {
    const [h, p, s] = jwt.split('.');
    if (!h || !p || !s || !this.opts.app) return false;
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    if (header.alg !== 'RS256') return false;
    const v = createVerify('RSA-SHA256');
    v.update(`${h}.${p}`);
    if (!v.verify(createPublicKey(this.opts.app.publicKeyPem), Buffer.from(s, 'base64url'))) return false;
    return String(payload.iss) === String(this.opts.app.id) && payload.exp > Date.now() / 1000;
  }

  private async route(op: Operation, req: FakeRequest): Promise<FakeResponse> {
    const p = op.pathParams;
    const body = (req.body ?? {}) as Json;
    const full = `${p.owner}/${p.repo}`;
    switch (op.operationId) {
      case 'apps/get-repo-installation':
        this.repo(full);
        return { status: 200, body: this.installation() };
      case 'apps/create-installation-access-token': {
        if (Number(p.installation_id) !== this.opts.app?.installationId)
          throw new HttpError(404, this.notFound());
        const token = `ghs_${randomBytes(18).toString('hex')}`;
        this.installationTokens.add(token);
        const t = structuredClone(this.ex['installation-token'].value);
        t.token = token;
        t.expires_at = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        t.repositories = undefined;
        return { status: 201, body: JSON.parse(JSON.stringify(t)) };
      }
      case 'issues/get': {
        const rec = this.repo(full).issues.get(Number(p.issue_number));
        if (!rec) throw new HttpError(404, this.notFound());
        return { status: 200, body: this.renderIssue(full, rec) };
      }
      case 'issues/create': {
        const rec = this.seedIssue(full, {
          title: body.title,
          body: body.body ?? null,
          labels: labelNames(body.labels),
          user: 'ferry-bot',
        });
        return { status: 201, body: this.renderIssue(full, rec) };
      }
      case 'issues/update': {
        const rec = this.existingIssue(full, p.issue_number!);
        if (body.title !== undefined) rec.title = body.title;
        if (body.body !== undefined) rec.body = body.body;
        if (body.labels !== undefined) rec.labels = labelNames(body.labels);
        if (body.state !== undefined && body.state !== rec.state) {
          rec.state = body.state;
          rec.closed_at = body.state === 'closed' ? now() : null;
          rec.state_reason = body.state === 'closed' ? (body.state_reason ?? 'completed') : 'reopened';
        }
        rec.updated_at = now();
        return { status: 200, body: this.renderIssue(full, rec) };
      }
      case 'issues/list-for-repo': {
        const state = req.query.get('state') ?? 'open';
        const labels = (req.query.get('labels') ?? '').split(',').filter(Boolean);
        const all = [...this.repo(full).issues.values()]
          .filter((i) => state === 'all' || i.state === state)
          .filter((i) => labels.every((l) => i.labels.includes(l)))
          .sort((a, b) => b.number - a.number);
        return this.page(
          req,
          all.map((i) => this.renderIssue(full, i)),
        );
      }
      case 'issues/add-labels': {
        const rec = this.existingIssue(full, p.issue_number!);
        for (const l of labelNames(body.labels ?? body)) if (!rec.labels.includes(l)) rec.labels.push(l);
        rec.updated_at = now();
        return { status: 200, body: rec.labels.map((l) => this.label(l)) };
      }
      case 'issues/remove-label': {
        const rec = this.existingIssue(full, p.issue_number!);
        if (!rec.labels.includes(p.name!))
          throw new HttpError(404, {
            message: 'Label does not exist',
            documentation_url: DOCS,
            status: '404',
          });
        rec.labels = rec.labels.filter((l) => l !== p.name);
        return { status: 200, body: rec.labels.map((l) => this.label(l)) };
      }
      case 'issues/list-comments': {
        const rec = this.existingIssue(full, p.issue_number!);
        return this.page(
          req,
          rec.comments.map((c) => this.renderComment(full, rec, c)),
        );
      }
      case 'issues/create-comment': {
        const rec = this.existingIssue(full, p.issue_number!);
        const c: CommentRec = { id: this.nextId++, body: body.body, user: 'ferry-bot', created_at: now() };
        rec.comments.push(c);
        rec.updated_at = c.created_at;
        return { status: 201, body: this.renderComment(full, rec, c) };
      }
      case 'issues/list-events-for-timeline': {
        const rec = this.existingIssue(full, p.issue_number!);
        const events = rec.crossRefs.map((x) => ({
          event: 'cross-referenced',
          actor: this.user('ferry-bot'),
          created_at: x.at,
          updated_at: x.at,
          source: { type: 'issue', issue: this.renderIssue(x.fromRepo, this.issue(x.fromRepo, x.number)) },
        }));
        return this.page(req, events);
      }
      case 'pulls/list': {
        const state = req.query.get('state') ?? 'open';
        const head = req.query.get('head');
        const base = req.query.get('base');
        const list = this.pulls(full)
          .filter((i) => state === 'all' || i.state === state)
          .filter(
            (i) =>
              !head ||
              `${i.pull!.headRepo.split('/')[0]}:${i.pull!.headRef}`.toLowerCase() === head.toLowerCase(),
          )
          .filter((i) => !base || i.pull!.base === base)
          .sort((a, b) => b.number - a.number);
        return this.page(
          req,
          list.map((i) => this.renderPull(full, i, true)),
        );
      }
      case 'pulls/create':
        return this.createPull(full, body);
      case 'pulls/get':
        return { status: 200, body: this.renderPull(full, this.existingPull(full, p.pull_number!), false) };
      case 'pulls/update': {
        const rec = this.existingPull(full, p.pull_number!);
        if (body.title !== undefined) rec.title = body.title;
        if (body.body !== undefined) {
          rec.body = body.body;
          this.crossReference(full, rec);
        }
        if (body.base !== undefined) rec.pull!.base = body.base;
        if (body.state !== undefined && body.state !== rec.state) {
          rec.state = body.state;
          rec.closed_at = body.state === 'closed' ? now() : null;
        }
        rec.updated_at = now();
        return { status: 200, body: this.renderPull(full, rec, false) };
      }
      case 'pulls/list-reviews': {
        const rec = this.existingPull(full, p.pull_number!);
        return this.page(
          req,
          rec.pull!.reviews.map((r) => {
            const v = structuredClone(this.ex['pull-request-review-items'].value[0]);
            Object.assign(v, {
              id: r.id,
              user: this.user(r.user),
              state: r.state,
              submitted_at: r.submitted_at,
              pull_request_url: `https://api.github.com/repos/${full}/pulls/${rec.number}`,
              html_url: `https://github.com/${full}/pull/${rec.number}#pullrequestreview-${r.id}`,
            });
            return v;
          }),
        );
      }
      default:
        this.violations.push(`fake GitHub does not implement ${op.operationId}`);
        throw new HttpError(404, this.notFound());
    }
  }

  /** POST /repos/{owner}/{repo}/pulls, with GitHub's refusals: unknown head or base, and one open PR per head. */
  private createPull(full: string, body: Json): FakeResponse {
    const repo = this.repo(full);
    const [headOwner, headRef] = body.head.includes(':') ? body.head.split(':') : [repo.owner, body.head];
    const headRepoName =
      body.head_repo ??
      (headOwner.toLowerCase() === repo.owner.toLowerCase() ? full : `${headOwner}/${repo.name}`);
    const headRepo = this.repos.get(headRepoName.toLowerCase());
    if (!headRepo || (headRepo.gitDir && !branchOid(headRepo.gitDir, headRef)))
      throw new HttpError(
        422,
        this.validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]),
      );
    if (repo.gitDir && !branchOid(repo.gitDir, body.base))
      throw new HttpError(
        422,
        this.validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]),
      );
    const existing = this.pulls(full).find(
      (i) =>
        i.state === 'open' &&
        i.pull!.headRef === headRef &&
        i.pull!.headRepo.toLowerCase() === headRepoName.toLowerCase(),
    );
    if (existing)
      throw new HttpError(
        422,
        this.validationFailed([
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${headOwner}:${headRef}.`,
          },
        ]),
      );
    if (!body.title)
      throw new HttpError(
        422,
        this.validationFailed([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]),
      );
    const rec = this.seedIssue(full, { title: body.title, body: body.body ?? null, user: 'ferry-bot' });
    rec.pull = {
      headRef,
      headRepo: headRepoName,
      base: body.base,
      draft: body.draft === true,
      merged: false,
      reviews: [],
    };
    this.crossReference(full, rec);
    return { status: 201, body: this.renderPull(full, rec, false) };
  }

  /** GitHub links an issue that a PR body mentions (`#12`, `owner/repo#12`, or its URL) on the issue's timeline. */
  private crossReference(full: string, pr: IssueRec): void {
    const text = pr.body ?? '';
    const re = /(?:https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/issues\/|([\w.-]+\/[\w.-]+)?#)(\d+)/g;
    for (const m of text.matchAll(re)) {
      const target = (m[1] ?? m[2] ?? full).toLowerCase();
      const issue = this.repos.get(target)?.issues.get(Number(m[3]));
      if (
        !issue ||
        issue === pr ||
        issue.crossRefs.some((x) => x.fromRepo === full && x.number === pr.number)
      )
        continue;
      issue.crossRefs.push({ fromRepo: full, number: pr.number, at: now() });
    }
  }

  private existingIssue(full: string, n: string): IssueRec {
    const rec = this.repo(full).issues.get(Number(n));
    if (!rec) throw new HttpError(404, this.notFound());
    return rec;
  }

  private existingPull(full: string, n: string): IssueRec {
    const rec = this.existingIssue(full, n);
    if (!rec.pull) throw new HttpError(404, this.notFound());
    return rec;
  }

  /** GitHub's page/per_page pagination with a Link header (RFC 8288), which octokit follows. */
  private page(req: FakeRequest, items: Json[]): FakeResponse {
    const perPage = Math.min(100, Number(req.query.get('per_page') ?? 30));
    const page = Math.max(1, Number(req.query.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const headers: Record<string, string> = {};
    const link = (n: number, rel: string) => {
      const u = new URL(req.url.toString().replace('http://127.0.0.1', this.url));
      u.searchParams.set('page', String(n));
      u.searchParams.set('per_page', String(perPage));
      return `<${u}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
    if (links.length) headers.link = links.join(', ');
    return { status: 200, headers, body: items.slice((page - 1) * perPage, page * perPage) };
  }

  user(login: string): Json {
    const u = structuredClone(this.ex.issue.value.user);
    const id = [...login].reduce((a, c) => a * 31 + c.charCodeAt(0), 7) % 1_000_000;
    return Object.assign(u, {
      login,
      id,
      node_id: Buffer.from(`04:User${id}`).toString('base64'),
      url: `https://api.github.com/users/${login}`,
      html_url: `https://github.com/${login}`,
      type: login.endsWith('[bot]') ? 'Bot' : 'User',
    });
  }

  private label(name: string): Json {
    const l = structuredClone(this.ex['label-items'].value[0]);
    return Object.assign(l, {
      name,
      id: [...name].reduce((a, c) => a * 31 + c.charCodeAt(0), 11) % 1_000_000,
      url: `https://api.github.com/repos/o/r/labels/${encodeURIComponent(name)}`,
      default: false,
      // pull-request-simple declares a label's description as a non-null string.
      description: `The ${name} label`,
    });
  }

  private installation(): Json {
    const i = structuredClone(this.ex.installation.value);
    i.id = this.opts.app?.installationId ?? 1;
    i.app_id = this.opts.app?.id ?? 1;
    return i;
  }

  renderIssue(full: string, rec: IssueRec): Json {
    const v = structuredClone(this.ex.issue.value);
    const api = `https://api.github.com/repos/${full}`;
    const kind = rec.pull ? 'pull' : 'issues';
    Object.assign(v, {
      id: 100_000 + rec.number,
      node_id: Buffer.from(`I_${full}#${rec.number}`).toString('base64'),
      url: `${api}/issues/${rec.number}`,
      repository_url: api,
      labels_url: `${api}/issues/${rec.number}/labels{/name}`,
      comments_url: `${api}/issues/${rec.number}/comments`,
      events_url: `${api}/issues/${rec.number}/events`,
      html_url: `https://github.com/${full}/${kind}/${rec.number}`,
      number: rec.number,
      state: rec.state,
      state_reason: rec.state_reason,
      title: rec.title,
      body: rec.body,
      user: this.user(rec.user),
      labels: rec.labels.map((l) => this.label(l)),
      assignee: null,
      assignees: [],
      milestone: rec.milestone === null ? null : { ...v.milestone, title: rec.milestone },
      locked: false,
      comments: rec.comments.length,
      closed_at: rec.closed_at,
      closed_by: null,
      created_at: rec.created_at,
      updated_at: rec.updated_at,
    });
    if (rec.pull)
      v.pull_request = {
        url: `${api}/pulls/${rec.number}`,
        html_url: `https://github.com/${full}/pull/${rec.number}`,
        diff_url: `https://github.com/${full}/pull/${rec.number}.diff`,
        patch_url: `https://github.com/${full}/pull/${rec.number}.patch`,
        merged_at: null,
      };
    else v.pull_request = undefined;
    v.pinned_comment = undefined;
    return JSON.parse(JSON.stringify(v));
  }

  private renderComment(full: string, issue: IssueRec, c: CommentRec): Json {
    const v = structuredClone(this.ex['issue-comment'].value);
    return Object.assign(v, {
      id: c.id,
      node_id: Buffer.from(`IC_${c.id}`).toString('base64'),
      url: `https://api.github.com/repos/${full}/issues/comments/${c.id}`,
      html_url: `https://github.com/${full}/issues/${issue.number}#issuecomment-${c.id}`,
      issue_url: `https://api.github.com/repos/${full}/issues/${issue.number}`,
      body: c.body,
      user: this.user(c.user),
      created_at: c.created_at,
      updated_at: c.created_at,
    });
  }

  private renderBranch(full: string, ref: string, template: Json): Json {
    const repo = this.repo(full);
    const sha = repo.gitDir ? (branchOid(repo.gitDir, ref) ?? '0'.repeat(40)) : '0'.repeat(40);
    const b = structuredClone(template);
    b.ref = ref;
    b.sha = sha;
    b.label = `${repo.owner}:${ref}`;
    b.user = this.user(repo.owner);
    b.repo = Object.assign(b.repo, {
      id: repo.id,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: this.user(repo.owner),
      html_url: `https://github.com/${full}`,
      url: `https://api.github.com/repos/${full}`,
    });
    return b;
  }

  renderPull(full: string, rec: IssueRec, simple: boolean): Json {
    const pr = rec.pull!;
    const t = structuredClone(
      simple ? this.ex['pull-request-simple-items'].value[0] : this.ex['pull-request'].value,
    );
    const api = `https://api.github.com/repos/${full}`;
    Object.assign(t, {
      url: `${api}/pulls/${rec.number}`,
      id: 200_000 + rec.number,
      node_id: Buffer.from(`PR_${full}#${rec.number}`).toString('base64'),
      html_url: `https://github.com/${full}/pull/${rec.number}`,
      diff_url: `https://github.com/${full}/pull/${rec.number}.diff`,
      patch_url: `https://github.com/${full}/pull/${rec.number}.patch`,
      issue_url: `${api}/issues/${rec.number}`,
      number: rec.number,
      state: rec.state,
      locked: false,
      title: rec.title,
      user: this.user(rec.user),
      body: rec.body,
      labels: rec.labels.map((l) => this.label(l)),
      milestone: null,
      created_at: rec.created_at,
      updated_at: rec.updated_at,
      closed_at: rec.closed_at,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: this.renderBranch(pr.headRepo, pr.headRef, t.head),
      base: this.renderBranch(full, pr.base, t.base),
      auto_merge: null,
      draft: pr.draft,
    });
    if (!simple)
      Object.assign(t, { merged: pr.merged, merged_by: null, mergeable: null, mergeable_state: 'draft' });
    return JSON.parse(JSON.stringify(t));
  }
}

function labelNames(v: Json): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  return (v as Json[]).map((l) => (typeof l === 'string' ? l : l.name));
}

function branchOid(gitDir: string, branch: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
      cwd: gitDir,
      encoding: 'utf8',
    }).trim();
  } catch {
    return null;
  }
}
