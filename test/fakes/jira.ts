import { type FakeRequest, type FakeResponse, FakeServer, HttpError } from './http.js';

/**
 * A fake Jira Cloud (REST API v3, https://developer.atlassian.com/cloud/jira/platform/rest/v3/)
 * for the subset Ferry uses. Each route names the documented operation it implements. What it
 * holds Ferry to: rich text (description, comments, multi-line custom fields) must be Atlassian
 * Document Format in v3; Fix Versions must name versions of the project; comment lists page with
 * `startAt`/`maxResults`/`total` (and may return fewer than asked); the enhanced JQL search pages
 * with `nextPageToken`/`isLast` and refuses unbounded JQL; errors are
 * `{"errorMessages": [...], "errors": {...}}`; 401 without valid basic or bearer credentials.
 * Unknown query parameters are recorded as violations.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON shaped as Jira documents it
type Json = any;

export interface JiraCommentRec {
  id: number;
  body: Json;
  author: string;
  created: string;
  properties: { key: string; value: Json }[];
}

export interface JiraIssueRec {
  id: number;
  key: string;
  summary: string;
  description: Json;
  status: string;
  fixVersions: string[];
  labels: string[];
  issuetype: string;
  priority: string;
  fields: Record<string, Json>;
  comments: JiraCommentRec[];
  remoteLinks: { id: number; globalId: string | null; relationship: string | null; object: Json }[];
  created: string;
  updated: string;
}

export interface JiraFakeOptions {
  project: string;
  versions: string[];
  /** Custom fields and their kind: a textarea takes ADF, a text field a string. */
  customFields: Record<string, 'textarea' | 'text'>;
  /** `email:token` for basic auth, or a bearer token. */
  credentials: { basic?: string; bearer?: string };
  /** The most comments a page holds whatever maxResults asks (Jira may return fewer). */
  commentPageCap?: number;
}

const STATUSES: Record<string, { id: string; category: 'new' | 'indeterminate' | 'done' }> = {
  New: { id: '10000', category: 'new' },
  Planning: { id: '10001', category: 'new' },
  'In Progress': { id: '3', category: 'indeterminate' },
  Closed: { id: '6', category: 'done' },
};
const TRANSITIONS = [
  { id: '11', name: 'Plan', to: 'Planning' },
  { id: '21', name: 'Start Progress', to: 'In Progress' },
  { id: '31', name: 'Close Issue', to: 'Closed' },
];

// The vendor's clock: real time (Ferry compares creation times with its own), one second apart
// at least, so that timestamps order events as they happened.
let clock = 0;
const now = () => {
  clock = Math.max(clock + 1000, Date.now());
  return new Date(clock).toISOString().replace('Z', '+0000');
};

const jiraError = (status: number, errorMessages: string[], errors: Record<string, string> = {}) =>
  new HttpError(status, { errorMessages, errors });

export class JiraFake extends FakeServer {
  readonly issues = new Map<string, JiraIssueRec>();
  private next = 1;
  private nextId = 10_000;

  constructor(readonly opts: JiraFakeOptions) {
    super();
  }

  seedIssue(
    init: Partial<Omit<JiraIssueRec, 'id' | 'key' | 'comments' | 'remoteLinks'>> & { summary: string },
  ): JiraIssueRec {
    const n = this.next++;
    const t = now();
    const rec: JiraIssueRec = {
      id: 20_000 + n,
      key: `${this.opts.project}-${n}`,
      summary: init.summary,
      description: init.description ?? null,
      status: init.status ?? 'New',
      fixVersions: init.fixVersions ?? [],
      labels: init.labels ?? [],
      issuetype: init.issuetype ?? 'Bug',
      priority: init.priority ?? 'Major',
      fields: init.fields ?? {},
      comments: [],
      remoteLinks: [],
      created: init.created ?? t,
      updated: init.updated ?? t,
    };
    this.issues.set(rec.key, rec);
    return rec;
  }

  issue(key: string): JiraIssueRec {
    const rec = this.issues.get(key);
    if (!rec) throw jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
    return rec;
  }

  protected async dispatch(req: FakeRequest): Promise<FakeResponse> {
    const auth = String(req.headers.authorization ?? '');
    const basic = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString() : null;
    const bearer = auth.startsWith('Bearer ') ? auth.slice(7) : null;
    const ok =
      (basic !== null && basic === this.opts.credentials.basic) ||
      (bearer !== null && bearer === this.opts.credentials.bearer);
    if (!ok)
      return {
        status: 401,
        body: { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} },
      };
    return this.withFaults(req, async () => this.route(req));
  }

  private query(req: FakeRequest, allowed: string[]): void {
    for (const k of req.query.keys())
      if (!allowed.includes(k))
        this.violations.push(`${req.method} ${req.path}: query parameter '${k}' is not documented`);
  }

  private route(req: FakeRequest): FakeResponse {
    const p = req.path;
    let m: RegExpExecArray | null;

    // Search for issues using JQL enhanced search (GET): GET /rest/api/3/search/jql
    if (p === '/rest/api/3/search/jql' && req.method === 'GET') {
      this.query(req, [
        'jql',
        'nextPageToken',
        'maxResults',
        'fields',
        'expand',
        'properties',
        'fieldsByKeys',
        'failFast',
        'reconcileIssues',
      ]);
      return { status: 200, body: this.search(req) };
    }
    // Create issue: POST /rest/api/3/issue
    if (p === '/rest/api/3/issue' && req.method === 'POST') {
      this.query(req, ['updateHistory']);
      const f = (req.body as Json)?.fields ?? {};
      const errors: Record<string, string> = {};
      if (f.project?.key !== this.opts.project) errors.project = 'valid project is required';
      if (!f.summary) errors.summary = 'You must specify a summary of the issue.';
      if (!f.issuetype?.name && !f.issuetype?.id) errors.issuetype = 'valid issue type is required';
      this.checkFields(f, errors);
      if (Object.keys(errors).length) throw jiraError(400, [], errors);
      const rec = this.seedIssue({ summary: f.summary, issuetype: f.issuetype.name ?? 'Bug' });
      this.applyFields(rec, f);
      return {
        status: 201,
        body: { id: String(rec.id), key: rec.key, self: `${this.url}/rest/api/3/issue/${rec.id}` },
      };
    }
    // Get issue / Edit issue: GET|PUT /rest/api/3/issue/{issueIdOrKey}
    m = /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]+-\d+)$/.exec(p);
    if (m) {
      const rec = this.issue(m[1]!);
      if (req.method === 'GET') {
        this.query(req, ['fields', 'fieldsByKeys', 'expand', 'properties', 'updateHistory', 'failFast']);
        return { status: 200, body: this.render(rec, req.query.get('fields')) };
      }
      if (req.method === 'PUT') {
        this.query(req, [
          'notifyUsers',
          'overrideScreenSecurity',
          'overrideEditableFlag',
          'returnIssue',
          'expand',
        ]);
        const b = (req.body as Json) ?? {};
        const errors: Record<string, string> = {};
        this.checkFields(b.fields ?? {}, errors);
        for (const op of b.update?.labels ?? [])
          if (!('add' in op || 'remove' in op || 'set' in op))
            errors.labels = 'Field labels: unknown operation';
        for (const k of Object.keys(b.update ?? {}))
          if (k !== 'labels') errors[k] = `Field '${k}' cannot be set.`;
        if (Object.keys(errors).length) throw jiraError(400, [], errors);
        this.applyFields(rec, b.fields ?? {});
        for (const op of b.update?.labels ?? []) {
          if (op.add && !rec.labels.includes(op.add)) rec.labels.push(op.add);
          if (op.remove) rec.labels = rec.labels.filter((l) => l !== op.remove);
          if (op.set) rec.labels = [...op.set];
        }
        rec.updated = now();
        return { status: 204 };
      }
    }
    // Get comments / Add comment: GET|POST /rest/api/3/issue/{issueIdOrKey}/comment
    m = /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]+-\d+)\/comment$/.exec(p);
    if (m) {
      const rec = this.issue(m[1]!);
      if (req.method === 'GET') {
        this.query(req, ['startAt', 'maxResults', 'orderBy', 'expand']);
        const startAt = Number(req.query.get('startAt') ?? 0);
        const asked = Number(req.query.get('maxResults') ?? 5000);
        const max = Math.min(asked, this.opts.commentPageCap ?? 5000);
        const page = rec.comments.slice(startAt, startAt + max);
        return {
          status: 200,
          body: {
            startAt,
            maxResults: max,
            total: rec.comments.length,
            comments: page.map((c) => this.renderComment(c, false)),
          },
        };
      }
      if (req.method === 'POST') {
        this.query(req, ['expand']);
        const b = (req.body as Json) ?? {};
        if (!isAdf(b.body))
          throw jiraError(400, [], {
            comment: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
          });
        const c: JiraCommentRec = {
          id: this.nextId++,
          body: b.body,
          author: 'ferry-bot',
          created: now(),
          properties: (b.properties ?? []).map((x: Json) => ({ key: x.key, value: x.value })),
        };
        rec.comments.push(c);
        return { status: 201, body: this.renderComment(c, false) };
      }
    }
    // Get comments by IDs: POST /rest/api/3/comment/list
    if (p === '/rest/api/3/comment/list' && req.method === 'POST') {
      this.query(req, ['expand']);
      const ids: number[] = (req.body as Json)?.ids ?? [];
      if (!Array.isArray(ids) || ids.length > 1000)
        throw jiraError(400, ['The number of comment IDs must be between 1 and 1000.']);
      const withProps = (req.query.get('expand') ?? '').split(',').includes('properties');
      const all = [...this.issues.values()].flatMap((i) => i.comments).filter((c) => ids.includes(c.id));
      return {
        status: 200,
        body: {
          isLast: true,
          maxResults: 1000,
          startAt: 0,
          total: all.length,
          values: all.map((c) => this.renderComment(c, withProps)),
        },
      };
    }
    // Get remote issue links / Create or update remote issue link: GET|POST /rest/api/3/issue/{key}/remotelink
    m = /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]+-\d+)\/remotelink$/.exec(p);
    if (m) {
      const rec = this.issue(m[1]!);
      if (req.method === 'GET') {
        this.query(req, ['globalId']);
        const g = req.query.get('globalId');
        return {
          status: 200,
          body: rec.remoteLinks.filter((l) => !g || l.globalId === g).map((l) => this.renderLink(rec, l)),
        };
      }
      if (req.method === 'POST') {
        const b = (req.body as Json) ?? {};
        if (!b.object?.url || !b.object?.title)
          throw jiraError(400, [], { object: 'url and title are required' });
        const existing = b.globalId ? rec.remoteLinks.find((l) => l.globalId === b.globalId) : undefined;
        if (existing) {
          existing.object = b.object;
          existing.relationship = b.relationship ?? null;
          return { status: 200, body: { id: existing.id, self: this.linkSelf(rec, existing.id) } };
        }
        const link = {
          id: this.nextId++,
          globalId: b.globalId ?? null,
          relationship: b.relationship ?? null,
          object: b.object,
        };
        rec.remoteLinks.push(link);
        return { status: 201, body: { id: link.id, self: this.linkSelf(rec, link.id) } };
      }
    }
    // Get transitions / Transition issue: GET|POST /rest/api/3/issue/{key}/transitions
    m = /^\/rest\/api\/3\/issue\/([A-Z][A-Z0-9_]+-\d+)\/transitions$/.exec(p);
    if (m) {
      const rec = this.issue(m[1]!);
      if (req.method === 'GET') {
        this.query(req, [
          'expand',
          'transitionId',
          'skipRemoteOnlyCondition',
          'includeUnavailableTransitions',
          'sortByOpsBarAndStatus',
        ]);
        return {
          status: 200,
          body: {
            expand: 'transitions',
            transitions: TRANSITIONS.filter((t) => t.to !== rec.status).map((t) => ({
              id: t.id,
              name: t.name,
              to: this.renderStatus(t.to),
              hasScreen: false,
              isGlobal: true,
              isInitial: false,
              isAvailable: true,
              isConditional: false,
            })),
          },
        };
      }
      if (req.method === 'POST') {
        const id = (req.body as Json)?.transition?.id;
        const t = TRANSITIONS.find((x) => x.id === id && x.to !== rec.status);
        if (!t) throw jiraError(400, [`Transition id '${id}' is not valid for this issue.`]);
        rec.status = t.to;
        rec.updated = now();
        return { status: 204 };
      }
    }
    this.violations.push(`fake Jira does not implement ${req.method} ${p}`);
    throw jiraError(404, ['Not found']);
  }

  /** Field values Jira would refuse: ADF where required, known versions, known custom fields. */
  private checkFields(f: Json, errors: Record<string, string>): void {
    if (f.description !== undefined && f.description !== null && !isAdf(f.description))
      errors.description =
        'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
    for (const v of f.fixVersions ?? [])
      if (!this.opts.versions.includes(v.name)) errors.fixVersions = `Version name '${v.name}' is not valid`;
    for (const [k, v] of Object.entries(f)) {
      if (!k.startsWith('customfield_')) continue;
      const kind = this.opts.customFields[k];
      if (!kind) errors[k] = `Field '${k}' cannot be set. It is not on the appropriate screen, or unknown.`;
      else if (kind === 'textarea' && v !== null && !isAdf(v))
        errors[k] = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
      else if (kind === 'text' && v !== null && typeof v !== 'string')
        errors[k] = 'Operation value must be a string';
    }
  }

  private applyFields(rec: JiraIssueRec, f: Json): void {
    if (f.summary !== undefined) rec.summary = f.summary;
    if (f.description !== undefined) rec.description = f.description;
    if (f.labels !== undefined) rec.labels = [...f.labels];
    if (f.fixVersions !== undefined) rec.fixVersions = f.fixVersions.map((v: Json) => v.name);
    for (const [k, v] of Object.entries(f)) if (k.startsWith('customfield_')) rec.fields[k] = v;
  }

  private search(req: FakeRequest): Json {
    const jql = req.query.get('jql') ?? '';
    const ast = parseJql(jql);
    if (!ast.bounded)
      throw jiraError(400, [
        'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
      ]);
    const max = Math.min(Number(req.query.get('maxResults') ?? 50), 100);
    const start = Number(
      req.query.get('nextPageToken')
        ? Buffer.from(req.query.get('nextPageToken')!, 'base64url').toString()
        : 0,
    );
    const hits = [...this.issues.values()]
      .filter((i) => ast.test(i))
      .sort((a, b) => (ast.newestFirst ? b.id - a.id : a.id - b.id));
    const page = hits.slice(start, start + max);
    const more = start + max < hits.length;
    return {
      issues: page.map((i) => this.render(i, req.query.get('fields'))),
      ...(more ? { nextPageToken: Buffer.from(String(start + max)).toString('base64url') } : {}),
      isLast: !more,
    };
  }

  private renderStatus(name: string): Json {
    const s = STATUSES[name]!;
    const cat = {
      new: [2, 'To Do', 'blue-gray'],
      indeterminate: [4, 'In Progress', 'yellow'],
      done: [3, 'Done', 'green'],
    }[s.category];
    return {
      self: `${this.url}/rest/api/3/status/${s.id}`,
      description: '',
      iconUrl: `${this.url}/images/icons/statuses/generic.png`,
      name,
      id: s.id,
      statusCategory: {
        self: `${this.url}/rest/api/3/statuscategory/${cat[0]}`,
        id: cat[0],
        key: s.category,
        colorName: cat[2],
        name: cat[1],
      },
    };
  }

  render(rec: JiraIssueRec, fieldsParam: string | null): Json {
    const all: Record<string, Json> = {
      summary: rec.summary,
      description: rec.description,
      status: this.renderStatus(rec.status),
      fixVersions: rec.fixVersions.map((name, i) => ({
        self: `${this.url}/rest/api/3/version/${10_100 + i}`,
        id: String(10_100 + this.opts.versions.indexOf(name)),
        name,
        archived: false,
        released: false,
      })),
      labels: rec.labels,
      issuetype: { self: `${this.url}/rest/api/3/issuetype/1`, id: '1', name: rec.issuetype, subtask: false },
      priority: { self: `${this.url}/rest/api/3/priority/3`, id: '3', name: rec.priority },
      project: {
        self: `${this.url}/rest/api/3/project/10000`,
        id: '10000',
        key: this.opts.project,
        name: this.opts.project,
      },
      created: rec.created,
      updated: rec.updated,
      ...Object.fromEntries(Object.keys(this.opts.customFields).map((k) => [k, rec.fields[k] ?? null])),
    };
    const wanted = fieldsParam ? fieldsParam.split(',') : Object.keys(all);
    const fields = Object.fromEntries(wanted.filter((k) => k in all).map((k) => [k, all[k]]));
    return {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: String(rec.id),
      self: `${this.url}/rest/api/3/issue/${rec.id}`,
      key: rec.key,
      fields,
    };
  }

  private renderComment(c: JiraCommentRec, withProperties: boolean): Json {
    const author = { accountId: `5b10a2844c20165700ede21g-${c.author}`, displayName: c.author, active: true };
    return {
      self: `${this.url}/rest/api/3/comment/${c.id}`,
      id: String(c.id),
      author,
      body: c.body,
      updateAuthor: author,
      created: c.created,
      updated: c.created,
      jsdPublic: true,
      ...(withProperties ? { properties: c.properties } : {}),
    };
  }

  private linkSelf(rec: JiraIssueRec, id: number): string {
    return `${this.url}/rest/api/3/issue/${rec.key}/remotelink/${id}`;
  }

  private renderLink(rec: JiraIssueRec, l: JiraIssueRec['remoteLinks'][number]): Json {
    return {
      id: l.id,
      self: this.linkSelf(rec, l.id),
      globalId: l.globalId,
      relationship: l.relationship,
      object: l.object,
    };
  }
}

function isAdf(v: unknown): boolean {
  const d = v as { type?: unknown; version?: unknown; content?: unknown };
  return (
    typeof v === 'object' && v !== null && d.type === 'doc' && d.version === 1 && Array.isArray(d.content)
  );
}

/**
 * The JQL Ferry writes: clauses `field = v`, `field != v`, `field in (a, b)`, `summary ~ "text"`,
 * AND/OR, parentheses, ORDER BY key (the default) or created, ascending or descending.
 */
export function parseJql(jql: string): {
  bounded: boolean;
  newestFirst: boolean;
  test: (i: JiraIssueRec) => boolean;
} {
  const order = /\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?\s*$/i.exec(jql);
  if (order && !['key', 'created'].includes(order[1]!.toLowerCase()))
    throw jiraError(400, [
      `Error in the JQL Query: ordering by '${order[1]}' is not supported here (${jql}).`,
    ]);
  const newestFirst = order !== null && order[2]?.toUpperCase() === 'DESC';
  const src = order ? jql.slice(0, order.index) : jql;
  const tokens = src.match(/"(?:[^"\\]|\\.)*"|!=|!~|=|~|\(|\)|,|[^\s=!~(),]+/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const take = () => tokens[pos++];
  const value = () => {
    const t = take();
    if (t === undefined)
      throw jiraError(400, [`Error in the JQL Query: Expecting a value but got end of query (${jql}).`]);
    return t.startsWith('"') ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t;
  };
  let boundedTop = false;
  const fieldValues = (i: JiraIssueRec, field: string): string[] => {
    switch (field.toLowerCase()) {
      case 'project':
        return [i.key.replace(/-\d+$/, '')];
      case 'labels':
        return i.labels;
      case 'fixversion':
        return i.fixVersions;
      case 'status':
        return [i.status];
      case 'statuscategory':
        return [{ new: 'To Do', indeterminate: 'In Progress', done: 'Done' }[STATUSES[i.status]!.category]];
      case 'key':
        return [i.key];
      case 'issuetype':
        return [i.issuetype];
      default:
        throw jiraError(400, [`Field '${field}' does not exist or you do not have permission to view it.`]);
    }
  };
  type Pred = (i: JiraIssueRec) => boolean;
  const term = (depth: number): Pred => {
    if (peek() === '(') {
      take();
      const e = expr(depth + 1);
      if (take() !== ')') throw jiraError(400, [`Error in the JQL Query: Expecting ')' (${jql}).`]);
      return e;
    }
    const field = take()!;
    let op = take()!.toLowerCase();
    if (op === 'not' && peek()?.toLowerCase() === 'in') {
      take();
      op = 'not in';
    }
    if (field.toLowerCase() === 'project' && op === '=' && depth === 0) boundedTop = true;
    if (op === 'in' || op === 'not in') {
      if (take() !== '(') throw jiraError(400, [`Error in the JQL Query: Expecting '(' (${jql}).`]);
      const list: string[] = [];
      while (peek() !== ')') {
        list.push(value());
        if (peek() === ',') take();
      }
      take();
      return (i) => fieldValues(i, field).some((v) => list.includes(v)) === (op === 'in');
    }
    const v = value();
    if (field.toLowerCase() === 'summary') return textSearch(jql, v, op);
    if (op === '=') return (i) => fieldValues(i, field).includes(v);
    if (op === '!=') return (i) => !fieldValues(i, field).includes(v);
    throw jiraError(400, [`Error in the JQL Query: The operator '${op}' is not supported here (${jql}).`]);
  };
  const and = (depth: number): Pred => {
    const parts = [term(depth)];
    while (peek()?.toUpperCase() === 'AND') {
      take();
      parts.push(term(depth));
    }
    return (i) => parts.every((p) => p(i));
  };
  const expr = (depth: number): Pred => {
    const parts = [and(depth)];
    while (peek()?.toUpperCase() === 'OR') {
      take();
      // An OR beside the project clause lets the search escape it.
      if (depth === 0) boundedTop = false;
      parts.push(and(depth + 1));
    }
    return (i) => parts.some((p) => p(i));
  };
  const test = expr(0);
  if (/\bOR\b/i.test(src) && !/^\s*project\s*=/i.test(src)) boundedTop = false;
  if (pos !== tokens.length)
    throw jiraError(400, [`Error in the JQL Query: unexpected '${peek()}' (${jql}).`]);
  return { bounded: boundedTop, newestFirst, test };
}

/** Lucene's reserved characters, which a JQL text search must escape with a backslash. */
const RESERVED = /[+\-&|!(){}[\]^~*?:\\/]/;

/**
 * `summary ~ "text"`: Jira's text search, which is fuzzy: an issue matches when its summary has
 * every word of the text, in any order and case. A text field takes only `~` and `!~`, and a
 * reserved character the query did not escape is refused, as Jira refuses it.
 */
function textSearch(jql: string, text: string, op: string): (i: JiraIssueRec) => boolean {
  if (op !== '~' && op !== '!~')
    throw jiraError(400, [
      `Error in the JQL Query: The operator '${op}' is not supported by the 'summary' field (${jql}).`,
    ]);
  if (RESERVED.test(text.replace(/\\./g, ' ')))
    throw jiraError(400, [
      `Error in the JQL Query: The text query '${text}' for field 'summary' is not valid; probably your use of wildcard characters is not correct (${jql}).`,
    ]);
  const words = (t: string) => t.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  const wanted = words(text.replace(/\\(.)/g, ' $1 '));
  return (i) => {
    const have = new Set(words(i.summary));
    return wanted.every((w) => have.has(w)) === (op === '~');
  };
}
