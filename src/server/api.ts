import type { Context, Hono, MiddlewareHandler } from 'hono';
import { getAttempt, listAttempts } from '../store/attempts.js';
import { listDeliveries } from '../store/deliveries.js';
import { listLedger } from '../store/ledger.js';
import type { Store } from '../store/open.js';
import { getJob, JOB_STATES, listJobs } from '../store/queue.js';
import { getRequest, listRequests } from '../store/requests.js';
import type { AttemptState, DeliveryOutcome, JobState, LedgerState, RequestState } from '../store/schema.js';
import { TrackerInputError } from '../trackers/types.js';
import { fileRequest, listBuiltinRequests, showBuiltinRequest } from '../workflows/builtin-requests.js';
import { pauseService, resumeService, retryDeadJob, serviceStatus } from '../workflows/service-control.js';
import type { Logger } from './log.js';
import { constantTimeEqual } from './webhook-auth.js';

export interface ApiTokens {
  /** Unset: reads need no token. */
  read?: string;
  /** Unset: admin calls are refused (403). */
  admin?: string;
}

type Role = 'read' | 'admin';

/**
 * Bearer tokens: no or a wrong token is 401 (who are you?); a valid token without the right
 * (the read token on an admin call, or no admin token configured) is 403.
 */
function requireRole(tokens: ApiTokens, role: Role): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const given = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    const isAdmin =
      given !== undefined && tokens.admin !== undefined && constantTimeEqual(given, tokens.admin);
    const isReader =
      given !== undefined && tokens.read !== undefined && constantTimeEqual(given, tokens.read);
    if (role === 'read') {
      if (tokens.read === undefined && (given === undefined || isAdmin)) return next();
      if (isAdmin || isReader) return next();
    } else {
      if (isAdmin) return next();
      if (isReader) return c.json({ error: 'this call needs the admin token' }, 403);
      if (tokens.admin === undefined && given === undefined) {
        return c.json(
          { error: 'admin calls are disabled: no admin token is configured (server.admin_token_env)' },
          403,
        );
      }
    }
    c.header('WWW-Authenticate', 'Bearer realm="ferry"');
    return c.json(
      { error: given === undefined ? 'a bearer token is required' : 'the bearer token is not valid' },
      401,
    );
  };
}

function intParam(c: Context, name: string): number | undefined {
  const v = c.req.query(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : Number.NaN;
}

function oneOf<T extends string>(c: Context, name: string, allowed: readonly T[]): T | undefined | null {
  const v = c.req.query(name);
  if (v === undefined) return undefined;
  return (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

class BadQuery extends Error {}

function check<T>(v: T | null, name: string, expected: string): T {
  if (v === null || (typeof v === 'number' && Number.isNaN(v)))
    throw new BadQuery(`${name}: expected ${expected}`);
  return v;
}

const ATTEMPT_STATES: AttemptState[] = ['queued', 'running', 'opened', 'conflicted', 'rejected', 'failed'];
const LEDGER_STATES: LedgerState[] = ['present', 'in_review', 'conflicted', 'refused', 'not_needed'];
const REQUEST_STATES: RequestState[] = ['open', 'closed'];
const DELIVERY_OUTCOMES: DeliveryOutcome[] = ['queued', 'ignored', 'held'];

export function mountApi(
  app: Hono,
  o: {
    store: Store;
    tokens: ApiTokens;
    log: Logger;
    onResume?: () => void;
    onRetry?: () => void;
    onQueued?: () => void;
  },
): void {
  const { store } = o;
  const read = requireRole(o.tokens, 'read');
  const admin = requireRole(o.tokens, 'admin');
  const limit = (c: Context) =>
    Math.min(check(intParam(c, 'limit'), 'limit', 'a positive integer') ?? 100, 1000);

  app.onError((e, c) => {
    if (e instanceof BadQuery) return c.json({ error: e.message }, 400);
    o.log.error({ err: e, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error' }, 500);
  });

  app.get('/api/status', read, async (c) => c.json(await serviceStatus(store)));

  app.get('/api/jobs', read, async (c) => {
    const state = check(oneOf(c, 'state', JOB_STATES as JobState[]), 'state', JOB_STATES.join('|'));
    const jobs = await listJobs(store.db, {
      state,
      kind: c.req.query('kind'),
      limit: limit(c),
      beforeId: check(intParam(c, 'before'), 'before', 'a job id'),
    });
    return c.json({ jobs });
  });
  app.get('/api/jobs/:id{[0-9]+}', read, async (c) => {
    const job = await getJob(store.db, Number(c.req.param('id')));
    return job ? c.json({ job }) : c.json({ error: 'no such job' }, 404);
  });

  app.get('/api/requests', read, async (c) => {
    const requests = await listRequests(store.db, {
      tracker: c.req.query('tracker'),
      trackerKey: c.req.query('key'),
      stream: c.req.query('stream'),
      state: check(oneOf(c, 'state', REQUEST_STATES), 'state', REQUEST_STATES.join('|')),
      limit: limit(c),
      beforeId: check(intParam(c, 'before'), 'before', 'a request id'),
    });
    return c.json({ requests });
  });
  app.get('/api/requests/:id{[0-9]+}', read, async (c) => {
    const id = Number(c.req.param('id'));
    const request = await getRequest(store.db, id);
    if (!request) return c.json({ error: 'no such request' }, 404);
    return c.json({ request, attempts: await listAttempts(store.db, { requestId: id }) });
  });

  app.get('/api/attempts', read, async (c) => {
    const attempts = await listAttempts(store.db, {
      requestId: check(intParam(c, 'request'), 'request', 'a request id'),
      state: check(oneOf(c, 'state', ATTEMPT_STATES), 'state', ATTEMPT_STATES.join('|')),
      limit: limit(c),
      beforeId: check(intParam(c, 'before'), 'before', 'an attempt id'),
    });
    return c.json({ attempts });
  });
  app.get('/api/attempts/:id{[0-9]+}', read, async (c) => {
    const attempt = await getAttempt(store.db, Number(c.req.param('id')));
    return attempt ? c.json({ attempt }) : c.json({ error: 'no such attempt' }, 404);
  });

  app.get('/api/ledger', read, async (c) => {
    const entries = await listLedger(store.db, {
      repository: c.req.query('repository'),
      change: c.req.query('change'),
      branch: c.req.query('branch'),
      state: check(oneOf(c, 'state', LEDGER_STATES), 'state', LEDGER_STATES.join('|')),
      limit: Math.min(check(intParam(c, 'limit'), 'limit', 'a positive integer') ?? 1000, 10000),
    });
    return c.json({ entries });
  });

  app.get('/api/deliveries', read, async (c) => {
    const deliveries = await listDeliveries(store.db, {
      source: c.req.query('source'),
      outcome: check(oneOf(c, 'outcome', DELIVERY_OUTCOMES), 'outcome', DELIVERY_OUTCOMES.join('|')),
      limit: limit(c),
      beforeId: check(intParam(c, 'before'), 'before', 'a delivery id'),
    });
    return c.json({ deliveries });
  });

  // The built-in tracker's requests (`ferry request add|list|show` talk to these when a
  // running service owns the embedded store).
  app.get('/api/builtin-requests', read, async (c) =>
    c.json({ requests: await listBuiltinRequests(store, limit(c)) }),
  );
  app.get('/api/builtin-requests/:key', read, async (c) => {
    try {
      return c.json({ request: await showBuiltinRequest(store, c.req.param('key')) });
    } catch (e) {
      if (e instanceof TrackerInputError) return c.json({ error: e.message }, 404);
      throw e;
    }
  });
  app.post('/api/builtin-requests', admin, async (c) => {
    let body: Record<string, unknown>;
    try {
      body = (await c.req.json()) as Record<string, unknown>;
    } catch {
      return c.json({ error: 'the body is not JSON' }, 400);
    }
    const strings = (v: unknown) =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    try {
      const filed = await fileRequest(store, {
        title: typeof body.title === 'string' ? body.title : undefined,
        body: typeof body.body === 'string' ? body.body : undefined,
        fixVersion: typeof body.fix_version === 'string' ? body.fix_version : '',
        commits: strings(body.commits),
        requestedBy: 'api:admin',
      });
      o.onQueued?.();
      return c.json(filed, 201);
    } catch (e) {
      if (e instanceof TrackerInputError) return c.json({ error: e.message, input: e.input }, 400);
      throw e;
    }
  });

  app.post('/api/pause', admin, async (c) => {
    const status = await pauseService(store, 'api:admin');
    o.log.info('paused: triggers make no new work');
    return c.json(status);
  });
  app.post('/api/resume', admin, async (c) => {
    const status = await resumeService(store, 'api:admin');
    o.log.info({ released: status.released }, 'resumed');
    o.onResume?.();
    return c.json(status);
  });
  app.post('/api/jobs/:id{[0-9]+}/retry', admin, async (c) => {
    const r = await retryDeadJob(store, Number(c.req.param('id')), 'api:admin');
    if (r.retried) {
      o.onRetry?.();
      return c.json({ job: r.job });
    }
    if (r.reason === 'not-found') return c.json({ error: 'no such job' }, 404);
    return c.json({ error: `job is ${r.job?.state}, not dead`, job: r.job }, 409);
  });
}
