import type { WebhookHeaders } from './types.js';

/** A header's value whatever the case of its name; the first one when repeated. */
export function headerValue(headers: WebhookHeaders, name: string): string | null {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== want || v === undefined) continue;
    return Array.isArray(v) ? (v[0] ?? null) : v;
  }
  return null;
}

/** The delivery as an object: raw bytes or text are parsed; anything not a JSON object gives null. */
export function jsonObject(body: unknown): Record<string, unknown> | null {
  let v = body;
  if (v instanceof Uint8Array) v = Buffer.from(v).toString('utf8');
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
