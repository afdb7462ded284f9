import type { IncomingMessage } from 'node:http';

export type BodyRead = { ok: true; bytes: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

/**
 * Reads a request body, stopping as soon as it passes `limit` bytes: an oversized body is
 * refused from its Content-Length when it has one, and otherwise after at most `limit`
 * bytes, never buffered whole. (The HTTP layer drains what is left, bounded, after the 413.)
 */
export function readBody(
  source: { incoming?: IncomingMessage; request: Request },
  limit: number,
): Promise<BodyRead> {
  const declared = Number(source.request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) return Promise.resolve({ ok: false, reason: 'too-large' });
  if (source.incoming) return readIncoming(source.incoming, limit);
  return readWebStream(source.request, limit);
}

function readIncoming(incoming: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (r: BodyRead) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('aborted', onError);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        incoming.pause();
        finish({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () =>
      finish({ ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    const onError = () => finish({ ok: false, reason: 'aborted' });
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('aborted', onError);
  });
}

async function readWebStream(request: Request, limit: number): Promise<BodyRead> {
  if (!request.body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        return { ok: false, reason: 'too-large' };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: 'aborted' };
  }
  return { ok: true, bytes: Buffer.concat(chunks, size) };
}
