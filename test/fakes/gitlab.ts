import { execFileSync } from 'node:child_process';
import { type FakeRequest, type FakeResponse, FakeServer, HttpError } from './http.js';

/**
 * A fake GitLab (REST API v4, https://docs.gitlab.com/api/) for the subset Ferry uses. Each route
 * names the documented endpoint it implements. Parameters are checked against the documented
 * names and types (an unknown parameter is recorded as a violation: GitLab would ignore it, so
 * it is a typo on our side); required ones missing get GitLab's 400 (`{"error":"title is
 * missing"}`). Auth is `PRIVATE-TOKEN` (401 `{"message":"401 Unauthorized"}` otherwise). Lists
 * paginate with `page`/`per_page` and the `x-page`, `x-per-page`, `x-next-page`, `x-prev-page`,
 * `x-total`, `x-total-pages` and `Link` headers. Projects are addressed by id or URL-encoded path.
 * A project may be backed by a bare git repository: an MR's source branch must exist there.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON shaped as GitLab documents it
type Json = any;

type ParamType = 'string' | 'integer' | 'boolean' | 'labels' | `enum:${string}`;
type ParamSpec = Record<string, ParamType | `${ParamType}!`>;

export interface NoteRec {
  id: number;
  body: string;
  author: string;
  created_at: string;
  system: boolean;
}

export interface IssueRec {
  iid: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed';
  labels: string[];
  milestone: string | null;
  notes: NoteRec[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface MrRec {
  iid: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed' | 'merged';
  source_branch: string;
  target_branch: string;
  source_project_id: number;
  labels: string[];
  approvedBy: string[];
  notes: NoteRec[];
  created_at: string;
  updated_at: string;
}

interface ProjectRec {
  id: number;
  path: string;
  gitDir: string | null;
  issues: Map<number, IssueRec>;
  mrs: Map<number, MrRec>;
  nextIssue: number;
  nextMr: number;
}

// The vendor's clock: real time (Ferry compares creation times with its own), one second apart
// at least, so that timestamps order events as they happened.
let clock = 0;
const now = () => {
  clock = Math.max(clock + 1000, Date.now());
  return new Date(clock).toISOString();
};

const unauthorized = { status: 401, body: { message: '401 Unauthorized' } };

export class GitLabFake extends FakeServer {
  readonly projects = new Map<number, ProjectRec>();
  private nextId = 500;

  constructor(private readonly token: string) {
    super();
  }

  addProject(path: string, gitDir: string | null = null): ProjectRec {
    const p: ProjectRec = {
      id: this.nextId++,
      path,
      gitDir,
      issues: new Map(),
      mrs: new Map(),
      nextIssue: 1,
      nextMr: 1,
    };
    this.projects.set(p.id, p);
    return p;
  }

  project(ref: string): ProjectRec {
    const decoded = decodeURIComponent(ref);
    const p = /^\d+$/.test(decoded)
      ? this.projects.get(Number(decoded))
      : [...this.projects.values()].find((x) => x.path.toLowerCase() === decoded.toLowerCase());
    if (!p) throw new HttpError(404, { message: '404 Project Not Found' });
    return p;
  }

  seedIssue(
    path: string,
    init: { title: string; description?: string | null; labels?: string[]; milestone?: string | null },
  ): IssueRec {
    const p = this.project(path);
    const t = now();
    const rec: IssueRec = {
      iid: p.nextIssue++,
      title: init.title,
      description: init.description ?? null,
      state: 'opened',
      labels: [...(init.labels ?? [])],
      milestone: init.milestone ?? null,
      notes: [],
      created_at: t,
      updated_at: t,
      closed_at: null,
    };
    p.issues.set(rec.iid, rec);
    return rec;
  }

  protected async dispatch(req: FakeRequest): Promise<FakeResponse> {
    const token =
      req.headers['private-token'] ?? String(req.headers.authorization ?? '').replace(/^Bearer /i, '');
    if (token !== this.token) return unauthorized;
    return this.withFaults(req, async () => this.route(req));
  }

  /** Checks parameters (query for GET, JSON body otherwise) against the documented names and types. */
  private params(req: FakeRequest, spec: ParamSpec): Record<string, Json> {
    const source: Record<string, Json> =
      req.method === 'GET' || req.method === 'DELETE'
        ? Object.fromEntries(req.query.entries())
        : ((req.body as Record<string, Json>) ?? {});
    if (req.method !== 'GET' && [...req.query.keys()].length > 0)
      this.violations.push(`${req.method} ${req.path}: parameters in the query string of a write`);
    const out: Record<string, Json> = {};
    for (const [name, value] of Object.entries(source)) {
      const t = spec[name]?.replace(/!$/, '') as ParamType | undefined;
      if (!t) {
        this.violations.push(`${req.method} ${req.path}: parameter '${name}' is not documented`);
        continue;
      }
      const bad = () => {
        this.violations.push(
          `${req.method} ${req.path}: ${name}=${JSON.stringify(value)} is not a valid ${t}`,
        );
        throw new HttpError(400, { error: `${name} is invalid` });
      };
      if (t === 'integer') {
        if (!/^\d+$/.test(String(value))) bad();
        out[name] = Number(value);
      } else if (t === 'boolean') {
        if (![true, false, 'true', 'false'].includes(value)) bad();
        out[name] = value === true || value === 'true';
      } else if (t === 'labels') {
        if (typeof value !== 'string') bad();
        out[name] = String(value)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      } else if (t.startsWith('enum:')) {
        if (!t.slice(5).split('|').includes(String(value))) bad();
        out[name] = String(value);
      } else {
        if (typeof value !== 'string') bad();
        out[name] = value;
      }
    }
    for (const [name, t] of Object.entries(spec))
      if (t.endsWith('!') && out[name] === undefined)
        throw new HttpError(400, { error: `${name} is missing` });
    return out;
  }

  private route(req: FakeRequest): FakeResponse {
    const m = /^\/api\/v4\/projects\/([^/]+)(\/.*)?$/.exec(req.path);
    if (!m) throw new HttpError(404, { error: '404 Not Found' });
    const project = this.project(m[1]!);
    const rest = m[2] ?? '';
    const page = { page: 'integer', per_page: 'integer' } as const;
    let r: RegExpExecArray | null;

    // Get a single project: GET /projects/:id
    if (rest === '' && req.method === 'GET') {
      this.params(req, {});
      return { status: 200, body: this.renderProject(project) };
    }
    // List project issues: GET /projects/:id/issues
    if (rest === '/issues' && req.method === 'GET') {
      const q = this.params(req, {
        ...page,
        state: 'enum:opened|closed|all',
        labels: 'labels',
        milestone: 'string',
        search: 'string',
        in: 'enum:title|description|title,description|description,title',
        order_by:
          'enum:created_at|updated_at|priority|due_date|relative_position|label_priority|milestone_due|popularity|weight|title',
        sort: 'enum:asc|desc',
      });
      // `in` says where `search` looks: title and description unless told.
      const where = (i: IssueRec) =>
        (q.in ?? 'title,description')
          .split(',')
          .map((f: string) => (f === 'title' ? i.title : (i.description ?? '')))
          .join('\n');
      const list = [...project.issues.values()]
        .filter((i) => !q.state || q.state === 'all' || i.state === q.state)
        .filter((i) => (q.labels ?? []).every((l: string) => i.labels.includes(l)))
        .filter((i) => !q.milestone || i.milestone === q.milestone)
        .filter((i) => !q.search || where(i).includes(q.search))
        // Newest first (by creation, the default order_by, or by iid, which follows it).
        .sort((a, b) => (q.sort === 'asc' ? a.iid - b.iid : b.iid - a.iid));
      return this.page(
        req,
        q,
        list.map((i) => this.renderIssue(project, i)),
      );
    }
    // New issue: POST /projects/:id/issues
    if (rest === '/issues' && req.method === 'POST') {
      const b = this.params(req, {
        title: 'string!',
        description: 'string',
        labels: 'labels',
        milestone_id: 'integer',
      });
      const rec = this.seedIssue(project.path, {
        title: b.title,
        description: b.description ?? null,
        labels: b.labels,
      });
      return { status: 201, body: this.renderIssue(project, rec) };
    }
    // Single project issue / Edit an issue: GET|PUT /projects/:id/issues/:issue_iid
    r = /^\/issues\/(\d+)$/.exec(rest);
    if (r) {
      const issue = this.issue(project, Number(r[1]));
      if (req.method === 'GET') {
        this.params(req, {});
        return { status: 200, body: this.renderIssue(project, issue) };
      }
      if (req.method === 'PUT') {
        const b = this.params(req, {
          title: 'string',
          description: 'string',
          labels: 'labels',
          add_labels: 'labels',
          remove_labels: 'labels',
          state_event: 'enum:close|reopen',
          milestone_id: 'integer',
        });
        if (b.title !== undefined) issue.title = b.title;
        if (b.description !== undefined) issue.description = b.description;
        if (b.labels) issue.labels = b.labels;
        for (const l of b.add_labels ?? []) if (!issue.labels.includes(l)) issue.labels.push(l);
        if (b.remove_labels) issue.labels = issue.labels.filter((l) => !b.remove_labels.includes(l));
        if (b.state_event === 'close') {
          issue.state = 'closed';
          issue.closed_at = now();
        }
        if (b.state_event === 'reopen') issue.state = 'opened';
        issue.updated_at = now();
        return { status: 200, body: this.renderIssue(project, issue) };
      }
    }
    // Notes on issues: GET|POST /projects/:id/issues/:issue_iid/notes
    r = /^\/issues\/(\d+)\/notes$/.exec(rest);
    if (r) {
      const issue = this.issue(project, Number(r[1]));
      if (req.method === 'GET') {
        const q = this.params(req, {
          ...page,
          sort: 'enum:asc|desc',
          order_by: 'enum:created_at|updated_at',
        });
        const notes = q.sort === 'asc' ? issue.notes : [...issue.notes].reverse();
        return this.page(
          req,
          q,
          notes.map((n) => this.renderNote(n, 'Issue', issue.iid)),
        );
      }
      if (req.method === 'POST') {
        const b = this.params(req, { body: 'string!', internal: 'boolean', created_at: 'string' });
        const note: NoteRec = {
          id: this.nextId++,
          body: b.body,
          author: 'ferry-bot',
          created_at: now(),
          system: false,
        };
        issue.notes.push(note);
        return { status: 201, body: this.renderNote(note, 'Issue', issue.iid) };
      }
    }
    // List merge requests related to issue: GET /projects/:id/issues/:issue_iid/related_merge_requests
    r = /^\/issues\/(\d+)\/related_merge_requests$/.exec(rest);
    if (r && req.method === 'GET') {
      const issue = this.issue(project, Number(r[1]));
      this.params(req, page);
      const ref = new RegExp(`(^|[^\\w/])#${issue.iid}(?!\\d)|${project.path}/-/issues/${issue.iid}(?!\\d)`);
      const related = [...project.mrs.values()].filter((mr) => ref.test(mr.description ?? ''));
      return { status: 200, body: related.map((mr) => this.renderMr(project, mr)) };
    }
    // List project merge requests / Create MR: GET|POST /projects/:id/merge_requests
    if (rest === '/merge_requests' && req.method === 'GET') {
      const q = this.params(req, {
        ...page,
        state: 'enum:opened|closed|locked|merged|all',
        source_branch: 'string',
        target_branch: 'string',
        labels: 'labels',
      });
      const list = [...project.mrs.values()]
        .filter((x) => !q.state || q.state === 'all' || x.state === q.state)
        .filter((x) => !q.source_branch || x.source_branch === q.source_branch)
        .filter((x) => !q.target_branch || x.target_branch === q.target_branch)
        .sort((a, b) => b.iid - a.iid);
      return this.page(
        req,
        q,
        list.map((x) => this.renderMr(project, x)),
      );
    }
    if (rest === '/merge_requests' && req.method === 'POST') {
      const b = this.params(req, {
        source_branch: 'string!',
        target_branch: 'string!',
        title: 'string!',
        description: 'string',
        labels: 'labels',
        target_project_id: 'integer',
        remove_source_branch: 'boolean',
        squash: 'boolean',
      });
      // Called on the source project; the MR lives in the target project.
      const target = b.target_project_id ? this.project(String(b.target_project_id)) : project;
      if (project.gitDir && !branchExists(project.gitDir, b.source_branch))
        throw new HttpError(422, { message: { source_branch: ['does not exist'] } });
      if (target.gitDir && !branchExists(target.gitDir, b.target_branch))
        throw new HttpError(422, { message: { target_branch: ['does not exist'] } });
      const open = [...target.mrs.values()].find(
        (x) =>
          x.state === 'opened' && x.source_branch === b.source_branch && x.source_project_id === project.id,
      );
      if (open)
        throw new HttpError(409, {
          message: [`Another open merge request already exists for this source branch: !${open.iid}`],
        });
      const t = now();
      const mr: MrRec = {
        iid: target.nextMr++,
        title: b.title,
        description: b.description ?? null,
        state: 'opened',
        source_branch: b.source_branch,
        target_branch: b.target_branch,
        source_project_id: project.id,
        labels: b.labels ?? [],
        approvedBy: [],
        notes: [],
        created_at: t,
        updated_at: t,
      };
      target.mrs.set(mr.iid, mr);
      return { status: 201, body: this.renderMr(target, mr) };
    }
    // Get single MR / Update MR: GET|PUT /projects/:id/merge_requests/:merge_request_iid
    r = /^\/merge_requests\/(\d+)$/.exec(rest);
    if (r) {
      const mr = this.mr(project, Number(r[1]));
      if (req.method === 'GET') {
        this.params(req, {
          render_html: 'boolean',
          include_diverged_commits_count: 'boolean',
          include_rebase_in_progress: 'boolean',
        });
        return { status: 200, body: this.renderMr(project, mr) };
      }
      if (req.method === 'PUT') {
        const b = this.params(req, {
          title: 'string',
          description: 'string',
          add_labels: 'labels',
          remove_labels: 'labels',
          labels: 'labels',
          state_event: 'enum:close|reopen',
          target_branch: 'string',
        });
        if (b.title !== undefined) mr.title = b.title;
        if (b.description !== undefined) mr.description = b.description;
        if (b.labels) mr.labels = b.labels;
        for (const l of b.add_labels ?? []) if (!mr.labels.includes(l)) mr.labels.push(l);
        if (b.remove_labels) mr.labels = mr.labels.filter((l) => !b.remove_labels.includes(l));
        if (b.state_event === 'close') mr.state = 'closed';
        if (b.state_event === 'reopen') mr.state = 'opened';
        mr.updated_at = now();
        return { status: 200, body: this.renderMr(project, mr) };
      }
    }
    // Merge request-level approvals: GET /projects/:id/merge_requests/:merge_request_iid/approvals
    r = /^\/merge_requests\/(\d+)\/approvals$/.exec(rest);
    if (r && req.method === 'GET') {
      const mr = this.mr(project, Number(r[1]));
      this.params(req, {});
      return {
        status: 200,
        body: {
          id: 10_000 + mr.iid,
          iid: mr.iid,
          project_id: project.id,
          title: mr.title,
          state: mr.state,
          approved: mr.approvedBy.length > 0,
          approvals_required: 1,
          approvals_left: Math.max(0, 1 - mr.approvedBy.length),
          approved_by: mr.approvedBy.map((u) => ({ user: this.user(u) })),
        },
      };
    }
    // Create a merge request note: POST /projects/:id/merge_requests/:merge_request_iid/notes
    r = /^\/merge_requests\/(\d+)\/notes$/.exec(rest);
    if (r && req.method === 'POST') {
      const mr = this.mr(project, Number(r[1]));
      const b = this.params(req, { body: 'string!', internal: 'boolean' });
      const note: NoteRec = {
        id: this.nextId++,
        body: b.body,
        author: 'ferry-bot',
        created_at: now(),
        system: false,
      };
      mr.notes.push(note);
      return { status: 201, body: this.renderNote(note, 'MergeRequest', mr.iid) };
    }
    this.violations.push(`fake GitLab does not implement ${req.method} ${req.path}`);
    throw new HttpError(404, { error: '404 Not Found' });
  }

  private issue(p: ProjectRec, iid: number): IssueRec {
    const i = p.issues.get(iid);
    if (!i) throw new HttpError(404, { message: '404 Issue Not Found' });
    return i;
  }

  private mr(p: ProjectRec, iid: number): MrRec {
    const x = p.mrs.get(iid);
    if (!x) throw new HttpError(404, { message: '404 Not found' });
    return x;
  }

  /** Offset pagination as documented under "Pagination" (REST API overview). */
  private page(req: FakeRequest, q: Record<string, Json>, items: Json[]): FakeResponse {
    const perPage = Math.min(100, q.per_page ?? 20);
    const page = Math.max(1, q.page ?? 1);
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const u = new URL(`${this.url}${req.path}`);
      for (const [k, v] of req.query) if (k !== 'page') u.searchParams.set(k, v);
      u.searchParams.set('page', String(n));
      u.searchParams.set('per_page', String(perPage));
      return `<${u}>; rel="${rel}"`;
    };
    const links = [link(1, 'first'), link(totalPages, 'last')];
    if (page < totalPages) links.unshift(link(page + 1, 'next'));
    if (page > 1) links.unshift(link(page - 1, 'prev'));
    return {
      status: 200,
      headers: {
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-next-page': page < totalPages ? String(page + 1) : '',
        'x-prev-page': page > 1 ? String(page - 1) : '',
        'x-total': String(items.length),
        'x-total-pages': String(totalPages),
        link: links.join(', '),
      },
      body: items.slice((page - 1) * perPage, page * perPage),
    };
  }

  private user(username: string): Json {
    return {
      id: [...username].reduce((a, c) => a * 31 + c.charCodeAt(0), 3) % 100_000,
      username,
      name: username,
      state: 'active',
      avatar_url: null,
      web_url: `https://gitlab.example.com/${username}`,
    };
  }

  private renderProject(p: ProjectRec): Json {
    const name = p.path.split('/').pop();
    return {
      id: p.id,
      name,
      path: name,
      path_with_namespace: p.path,
      default_branch: 'main',
      web_url: `https://gitlab.example.com/${p.path}`,
      http_url_to_repo: `https://gitlab.example.com/${p.path}.git`,
      ssh_url_to_repo: `git@gitlab.example.com:${p.path}.git`,
    };
  }

  private renderIssue(p: ProjectRec, i: IssueRec): Json {
    return {
      id: 70_000 + i.iid,
      iid: i.iid,
      project_id: p.id,
      title: i.title,
      description: i.description,
      state: i.state,
      created_at: i.created_at,
      updated_at: i.updated_at,
      closed_at: i.closed_at,
      closed_by: null,
      labels: i.labels,
      milestone: i.milestone
        ? {
            id: 9,
            iid: 1,
            project_id: p.id,
            title: i.milestone,
            description: null,
            state: 'active',
            web_url: `https://gitlab.example.com/${p.path}/-/milestones/1`,
          }
        : null,
      assignees: [],
      author: this.user('reporter'),
      type: 'ISSUE',
      issue_type: 'issue',
      assignee: null,
      user_notes_count: i.notes.length,
      merge_requests_count: 0,
      upvotes: 0,
      downvotes: 0,
      due_date: null,
      confidential: false,
      discussion_locked: null,
      web_url: `https://gitlab.example.com/${p.path}/-/issues/${i.iid}`,
      references: { short: `#${i.iid}`, relative: `#${i.iid}`, full: `${p.path}#${i.iid}` },
      severity: 'UNKNOWN',
      _links: {
        self: `https://gitlab.example.com/api/v4/projects/${p.id}/issues/${i.iid}`,
        notes: `https://gitlab.example.com/api/v4/projects/${p.id}/issues/${i.iid}/notes`,
        award_emoji: `https://gitlab.example.com/api/v4/projects/${p.id}/issues/${i.iid}/award_emoji`,
        project: `https://gitlab.example.com/api/v4/projects/${p.id}`,
      },
    };
  }

  private renderNote(n: NoteRec, type: 'Issue' | 'MergeRequest', iid: number): Json {
    return {
      id: n.id,
      type: null,
      body: n.body,
      attachment: null,
      author: this.user(n.author),
      created_at: n.created_at,
      updated_at: n.created_at,
      system: n.system,
      noteable_id: 70_000 + iid,
      noteable_type: type,
      noteable_iid: iid,
      resolvable: false,
      confidential: false,
      internal: false,
    };
  }

  private renderMr(p: ProjectRec, mr: MrRec): Json {
    const source = this.projects.get(mr.source_project_id)!;
    const sha = source.gitDir ? branchOid(source.gitDir, mr.source_branch) : null;
    return {
      id: 80_000 + mr.iid,
      iid: mr.iid,
      project_id: p.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: mr.created_at,
      updated_at: mr.updated_at,
      target_branch: mr.target_branch,
      source_branch: mr.source_branch,
      source_project_id: mr.source_project_id,
      target_project_id: p.id,
      labels: mr.labels,
      // "draft": GitLab derives it from the title prefix (Draft:, [Draft], (Draft)).
      draft: /^\s*(\[draft\]|\(draft\)|draft:|draft\s-\s)/i.test(mr.title),
      work_in_progress: /^\s*(\[draft\]|\(draft\)|draft:|draft\s-\s)/i.test(mr.title),
      author: this.user('ferry-bot'),
      merge_status: 'can_be_merged',
      detailed_merge_status: 'draft_status',
      sha,
      web_url: `https://gitlab.example.com/${p.path}/-/merge_requests/${mr.iid}`,
      references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${p.path}!${mr.iid}` },
    };
  }
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

function branchExists(gitDir: string, branch: string): boolean {
  return branchOid(gitDir, branch) !== null;
}
