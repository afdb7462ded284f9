/**
 * What the built-in tracker needs from Ferry's store: requests (the issues of a tracker that
 * lives inside Ferry), their comments and links. The store (issue 3) implements it on its
 * database; the operations that must not race (add a comment unless its marker exists, add
 * labels, add a link) are the store's to make atomic.
 */

export interface StoredRequest {
  key: string;
  title: string;
  body: string;
  /** `New` when filed; `Closed` when closed; anything a person sets in between. */
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

export interface NewStoredRequest {
  title: string;
  body: string;
  status: string;
  fixVersions: string[];
  labels: string[];
  commitHashLines: string[];
}

export type RequestChange = Partial<
  Pick<StoredRequest, 'title' | 'body' | 'status' | 'fixVersions' | 'commitHashLines'>
>;

export interface RequestFilter {
  /** Every one of these labels. */
  labels?: string[];
  fixVersion?: string;
  /** Only requests whose status is not one of these (e.g. `['Closed']`). */
  excludeStatuses?: string[];
  limit: number;
}

export interface RequestStore {
  get(key: string): Promise<StoredRequest | null>;
  /** Stores a new request under the next key `<prefix>-<n>`. */
  create(prefix: string, input: NewStoredRequest): Promise<StoredRequest>;
  update(key: string, change: RequestChange): Promise<StoredRequest>;
  addLabels(key: string, labels: string[]): Promise<void>;
  removeLabels(key: string, labels: string[]): Promise<void>;
  list(filter: RequestFilter): Promise<StoredRequest[]>;
  comments(key: string): Promise<StoredComment[]>;
  /** Adds the comment unless the request has one with the same marker (then returns that one). */
  addComment(
    key: string,
    comment: { body: string; marker: string; author: string },
  ): Promise<{ comment: StoredComment; created: boolean }>;
  /** Adds the link unless one with the same URL is there. */
  addLink(key: string, link: { url: string; title: string | null }): Promise<void>;
}
