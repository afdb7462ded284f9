import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The common part of the fake vendors: a real HTTP server on 127.0.0.1, a log of every request,
 * injected faults (a status, headers such as Retry-After, for the next N matching requests,
 * before or after the handler ran), and a list of contract violations that a test asserts empty.
 */

export interface FakeRequest {
  method: string;
  url: URL;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  rawBody: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless it is a string (sent as is). */
  body?: unknown;
}

export interface Fault {
  method?: string;
  /** Matches the request path (a string must match exactly). */
  path?: RegExp | string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many matching requests get this answer; default 1. */
  times?: number;
  /**
   * Run the real handler first (its side effects happen), then answer with the fault: the
   * gateway timeout that arrives after the vendor already created the thing.
   */
  afterHandler?: boolean;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export abstract class FakeServer {
  readonly requests: FakeRequest[] = [];
  readonly violations: string[] = [];
  private faults: (Fault & { left: number })[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((e) => {
        this.violations.push(`fake crashed on ${req.method} ${req.url}: ${(e as Error).stack}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'fake crashed' }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Requests whose method and path match. */
  count(method: string, path: RegExp | string): number {
    return this.requests.filter((r) => r.method === method && matches(path, r.path)).length;
  }

  /** The vendor-specific dispatch: validation, authentication, routing. */
  protected abstract dispatch(req: FakeRequest): Promise<FakeResponse>;

  /** Finds and consumes an injected fault for this request. */
  protected takeFault(req: FakeRequest): (Fault & { left: number }) | null {
    const f = this.faults.find(
      (x) => x.left > 0 && (!x.method || x.method === req.method) && (!x.path || matches(x.path, req.path)),
    );
    if (!f) return null;
    f.left--;
    return f;
  }

  /** Answers the request, applying an injected fault before or after `handler`. */
  protected async withFaults(req: FakeRequest, handler: () => Promise<FakeResponse>): Promise<FakeResponse> {
    const fault = this.takeFault(req);
    if (fault && !fault.afterHandler) return faultResponse(fault);
    const res = await runHandler(handler);
    if (fault) return faultResponse(fault);
    return res;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: unknown;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    const fr: FakeRequest = {
      method: req.method ?? 'GET',
      url,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawBody,
    };
    this.requests.push(fr);
    const out = await this.dispatch(fr);
    const headers: Record<string, string> = { ...out.headers };
    let payload = '';
    if (out.body !== undefined) {
      if (typeof out.body === 'string') payload = out.body;
      else {
        payload = JSON.stringify(out.body);
        headers['content-type'] ??= 'application/json; charset=utf-8';
      }
    }
    res.writeHead(out.status, headers);
    res.end(payload);
  }
}

export async function runHandler(handler: () => Promise<FakeResponse>): Promise<FakeResponse> {
  try {
    return await handler();
  } catch (e) {
    if (e instanceof HttpError) return { status: e.status, headers: e.headers, body: e.body };
    throw e;
  }
}

function faultResponse(f: Fault): FakeResponse {
  return { status: f.status, headers: f.headers ?? {}, body: f.body };
}

function matches(p: RegExp | string, path: string): boolean {
  return typeof p === 'string' ? p === path : p.test(path);
}
