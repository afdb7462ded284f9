import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Tx } from './open.js';
import { builtinComments, builtinIssues } from './schema.js';

/**
 * The built-in tracker's requests on Ferry's own database (PGlite or PostgreSQL). The
 * operations that must not race are single statements: a comment is inserted unless one
 * with its marker exists (a unique index), labels and links are merged in SQL.
 *
 * The shapes are the built-in tracker's `RequestStore` (src/trackers/builtin/storage.ts);
 * the store does not import the tracker, the workflow that joins them checks they fit.
 */

export interface StoredRequest {
  key: string;
  title: string;
  body: string;
  status: string;
  fixVersions: string[];
  labels: string[];
  commitHashLines: string[];
  links: { url: string; title: string | null }[];
  createdAt: string;
  updatedAt: string;
}

export interface StoredComment {
  id: string;
  body: string;
  marker: string | null;
  author: string | null;
  createdAt: string;
}

type NewStoredRequest = Pick<
  StoredRequest,
  'title' | 'body' | 'status' | 'fixVersions' | 'labels' | 'commitHashLines'
>;
type RequestChange = Partial<
  Pick<StoredRequest, 'title' | 'body' | 'status' | 'fixVersions' | 'commitHashLines'>
>;
interface RequestFilter {
  labels?: string[];
  fixVersion?: string;
  excludeStatuses?: string[];
  limit: number;
}

type Row = typeof builtinIssues.$inferSelect;

function toStored(r: Row): StoredRequest {
  return {
    key: r.key,
    title: r.title,
    body: r.body,
    status: r.status,
    fixVersions: r.fixVersions,
    labels: r.labels,
    commitHashLines: r.commitHashLines,
    links: r.links,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function toComment(c: typeof builtinComments.$inferSelect): StoredComment {
  return {
    id: String(c.id),
    body: c.body,
    marker: c.marker,
    author: c.author,
    createdAt: c.createdAt.toISOString(),
  };
}

export class NoSuchRequestError extends Error {
  override name = 'NoSuchRequestError';
  readonly exitCode = 2;
  constructor(readonly input: string) {
    super(`request ${input} does not exist`);
  }
}

export function builtinRequestStore(db: Tx) {
  const get = async (key: string) => {
    const [row] = await db.select().from(builtinIssues).where(eq(builtinIssues.key, key));
    return row ? toStored(row) : null;
  };
  const must = async (key: string) => {
    const r = await get(key);
    if (!r) throw new NoSuchRequestError(key);
    return r;
  };
  return {
    get,

    async create(prefix: string, input: NewStoredRequest) {
      // The next number under the prefix; two creators racing for it retry on the unique index.
      for (let tries = 0; ; tries++) {
        try {
          const [row] = await db
            .insert(builtinIssues)
            .values({
              key: sql`${prefix} || '-' || (select coalesce(max(${builtinIssues.number}), 0) + 1 from ${builtinIssues} where ${builtinIssues.prefix} = ${prefix})`,
              prefix,
              number: sql`(select coalesce(max(${builtinIssues.number}), 0) + 1 from ${builtinIssues} where ${builtinIssues.prefix} = ${prefix})`,
              title: input.title,
              body: input.body,
              status: input.status,
              fixVersions: input.fixVersions,
              labels: [...new Set(input.labels)],
              commitHashLines: input.commitHashLines,
            })
            .returning();
          return toStored(row!);
        } catch (e) {
          if (tries < 5 && /duplicate key|unique/i.test(String((e as Error).message))) continue;
          throw e;
        }
      }
    },

    async update(key: string, change: RequestChange) {
      await must(key);
      const [row] = await db
        .update(builtinIssues)
        .set({ ...change, updatedAt: sql`now()` })
        .where(eq(builtinIssues.key, key))
        .returning();
      return toStored(row!);
    },

    async addLabels(key: string, labels: string[]) {
      await must(key);
      const add = JSON.stringify(labels);
      await db
        .update(builtinIssues)
        .set({
          labels: sql`(select coalesce(jsonb_agg(distinct l), '[]'::jsonb) from jsonb_array_elements_text(${builtinIssues.labels} || ${add}::jsonb) as l)`,
          updatedAt: sql`now()`,
        })
        .where(eq(builtinIssues.key, key));
    },

    async removeLabels(key: string, labels: string[]) {
      await must(key);
      const drop = JSON.stringify(labels);
      await db
        .update(builtinIssues)
        .set({
          labels: sql`(select coalesce(jsonb_agg(l), '[]'::jsonb) from jsonb_array_elements_text(${builtinIssues.labels}) as l where not (${drop}::jsonb ? l))`,
          updatedAt: sql`now()`,
        })
        .where(eq(builtinIssues.key, key));
    },

    async list(filter: RequestFilter) {
      const rows = await db
        .select()
        .from(builtinIssues)
        .orderBy(desc(builtinIssues.createdAt), desc(builtinIssues.number));
      return rows
        .map(toStored)
        .filter((r) => (filter.labels ?? []).every((l) => r.labels.includes(l)))
        .filter((r) => !filter.fixVersion || r.fixVersions.includes(filter.fixVersion))
        .filter((r) => !(filter.excludeStatuses ?? []).includes(r.status))
        .slice(0, filter.limit);
    },

    async comments(key: string) {
      await must(key);
      const rows = await db
        .select()
        .from(builtinComments)
        .where(eq(builtinComments.issueKey, key))
        .orderBy(asc(builtinComments.id));
      return rows.map(toComment);
    },

    async addComment(key: string, comment: { body: string; marker: string; author: string }) {
      await must(key);
      const [inserted] = await db
        .insert(builtinComments)
        .values({ issueKey: key, body: comment.body, marker: comment.marker, author: comment.author })
        .onConflictDoNothing()
        .returning();
      if (inserted) return { comment: toComment(inserted), created: true };
      const [existing] = await db
        .select()
        .from(builtinComments)
        .where(and(eq(builtinComments.issueKey, key), eq(builtinComments.marker, comment.marker)));
      return { comment: toComment(existing!), created: false };
    },

    async addLink(key: string, link: { url: string; title: string | null }) {
      const r = await must(key);
      if (r.links.some((l) => l.url === link.url)) return;
      const add = JSON.stringify([link]);
      await db
        .update(builtinIssues)
        .set({
          links: sql`case when ${builtinIssues.links} @> ${JSON.stringify([{ url: link.url }])}::jsonb then ${builtinIssues.links} else ${builtinIssues.links} || ${add}::jsonb end`,
          updatedAt: sql`now()`,
        })
        .where(eq(builtinIssues.key, key));
    },
  };
}
