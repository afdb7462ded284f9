import type {
  NewStoredRequest,
  RequestChange,
  RequestFilter,
  RequestStore,
  StoredComment,
  StoredRequest,
} from '../../src/trackers/builtin/storage.js';

/**
 * An in-memory `RequestStore`, for the built-in tracker's unit test only. The real one is the
 * database store of the service (issue 3); this one exists so the tracker's own logic is tested
 * without it.
 */
export class MemoryRequestStore implements RequestStore {
  readonly requests = new Map<string, StoredRequest>();
  readonly commentsByKey = new Map<string, StoredComment[]>();
  private next = 1;
  private clock = 0;

  private stamp(): string {
    return new Date(Date.UTC(2025, 0, 1) + this.clock++ * 1000).toISOString();
  }

  private must(key: string): StoredRequest {
    const r = this.requests.get(key);
    if (!r) throw new Error(`no request ${key}`);
    return r;
  }

  async get(key: string) {
    const r = this.requests.get(key);
    return r ? structuredClone(r) : null;
  }

  async create(prefix: string, input: NewStoredRequest) {
    const t = this.stamp();
    const r: StoredRequest = {
      ...structuredClone(input),
      key: `${prefix}-${this.next++}`,
      links: [],
      createdAt: t,
      updatedAt: t,
    };
    this.requests.set(r.key, r);
    return structuredClone(r);
  }

  async update(key: string, change: RequestChange) {
    const r = this.must(key);
    Object.assign(r, structuredClone(change), { updatedAt: this.stamp() });
    return structuredClone(r);
  }

  async addLabels(key: string, labels: string[]) {
    const r = this.must(key);
    for (const l of labels) if (!r.labels.includes(l)) r.labels.push(l);
  }

  async removeLabels(key: string, labels: string[]) {
    const r = this.must(key);
    r.labels = r.labels.filter((l) => !labels.includes(l));
  }

  async list(f: RequestFilter) {
    return [...this.requests.values()]
      .filter((r) => (f.labels ?? []).every((l) => r.labels.includes(l)))
      .filter((r) => !f.fixVersion || r.fixVersions.includes(f.fixVersion))
      .filter((r) => !(f.excludeStatuses ?? []).includes(r.status))
      .slice(0, f.limit)
      .map((r) => structuredClone(r));
  }

  async comments(key: string) {
    return structuredClone(this.commentsByKey.get(key) ?? []);
  }

  async addComment(key: string, c: { body: string; marker: string; author: string }) {
    this.must(key);
    const list = this.commentsByKey.get(key) ?? [];
    const hit = list.find((x) => x.marker === c.marker);
    if (hit) return { comment: structuredClone(hit), created: false };
    const comment: StoredComment = {
      id: String(list.length + 1),
      body: c.body,
      marker: c.marker,
      author: c.author,
      createdAt: this.stamp(),
    };
    list.push(comment);
    this.commentsByKey.set(key, list);
    return { comment: structuredClone(comment), created: true };
  }

  async addLink(key: string, link: { url: string; title: string | null }) {
    const r = this.must(key);
    if (!r.links.some((l) => l.url === link.url)) r.links.push(link);
  }
}
