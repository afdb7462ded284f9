import { decodeBytes } from './charset.js';
import { FROM_LINE } from './mbox.js';

/**
 * One e-mail message (RFC 5322 + MIME), reduced to what a reader of announcements needs: the
 * decoded header fields and the text of its plain-text body. Structure is found on a
 * byte-for-byte "binary string" (latin1), and text is decoded only at the end, so a body in any
 * charset or transfer encoding comes out as proper text.
 */
export interface MailMessage {
  /** Field names in lower case; values unfolded and RFC 2047-decoded, in order of appearance. */
  headers: Map<string, string[]>;
  /** False when the message had no header block at all (headers stripped). */
  hasHeaders: boolean;
  /** The plain-text body: the first text/plain part of a multipart message, decoded. */
  text: string;
}

export function header(msg: MailMessage, name: string): string | undefined {
  return msg.headers.get(name.toLowerCase())?.[0];
}

interface Entity {
  headers: Map<string, string[]>;
  body: Buffer;
}

const FIELD = /^([!-9;-~]+):[ \t]?(.*)$/;
/** Fields one of which a real header block has; guards against a body line like `Note: ...`. */
const COMMON_FIELDS = new Set([
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'reply-to',
  'in-reply-to',
  'references',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'received',
  'return-path',
  'sender',
  'list-id',
]);

export function parseMessage(raw: Uint8Array | string): MailMessage {
  let buf =
    typeof raw === 'string'
      ? Buffer.from(raw, 'utf8')
      : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (buf[0] === 0x46 && FROM_LINE.test(buf.toString('latin1', 0, Math.min(buf.length, 200)))) {
    const nl = buf.indexOf(0x0a);
    buf = nl === -1 ? buf.subarray(buf.length) : buf.subarray(nl + 1);
  }
  const entity = splitEntity(buf, true);
  const top = entity ?? { headers: new Map<string, string[]>(), body: buf };
  return { headers: top.headers, hasHeaders: entity !== null, text: entityText(top, 0) ?? '' };
}

/** Where the header block ends and the body starts (after the first empty line). */
function headerEnd(buf: Buffer): { end: number; body: number } {
  if (buf[0] === 0x0a) return { end: 0, body: 1 };
  if (buf[0] === 0x0d && buf[1] === 0x0a) return { end: 0, body: 2 };
  const lf = buf.indexOf('\n\n');
  const crlf = buf.indexOf('\r\n\r\n');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { end: crlf, body: crlf + 4 };
  if (lf !== -1) return { end: lf, body: lf + 2 };
  return { end: buf.length, body: buf.length };
}

/**
 * Splits a header block from the body. With `requireHeaders`, returns null when the message
 * does not start with a header block (its headers were stripped).
 */
function splitEntity(buf: Buffer, requireHeaders: boolean): Entity | null {
  const { end, body } = headerEnd(buf);
  const block = buf.toString('latin1', 0, end).replace(/\r\n/g, '\n');
  const lines = block.length ? block.split('\n') : [];
  const fields: [string, string][] = [];
  let common = false;
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) {
      fields[fields.length - 1]![1] += line;
      continue;
    }
    const m = FIELD.exec(line);
    if (!m) {
      if (requireHeaders) return null;
      continue;
    }
    const name = m[1]!.toLowerCase();
    if (COMMON_FIELDS.has(name)) common = true;
    fields.push([name, m[2]!]);
  }
  if (requireHeaders && (!common || fields.length === 0)) return null;
  const headers = new Map<string, string[]>();
  for (const [name, value] of fields) {
    const decoded = decodeHeaderValue(value.replace(/[ \t]*\n?[ \t]+/g, ' ').trim());
    const list = headers.get(name);
    if (list) list.push(decoded);
    else headers.set(name, [decoded]);
  }
  return { headers, body: buf.subarray(body) };
}

const ENCODED_WORD = /=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g;

/** Raw 8-bit header bytes are taken as UTF-8 (the common case), then RFC 2047 words decoded. */
export function decodeHeaderValue(bin: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting 8-bit bytes
  const text = /[^\x00-\x7f]/.test(bin) ? decodeBytes(Buffer.from(bin, 'latin1')) : bin;
  if (!text.includes('=?')) return text;
  // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
  const joined = text.replace(/(\?=)[ \t]+(?==\?[^?\s]+\?[QqBb]\?)/g, '$1');
  return joined.replace(ENCODED_WORD, (whole, charset: string, enc: string, data: string) => {
    const cs = charset.split('*')[0]!;
    try {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64')
          : Buffer.from(decodeQuotedPrintable(data.replace(/_/g, ' ')), 'latin1');
      return decodeBytes(bytes, cs);
    } catch {
      return whole;
    }
  });
}

/** Quoted-printable (RFC 2045 §6.7) on a binary string; returns a binary string. */
export function decodeQuotedPrintable(bin: string): string {
  return bin
    .replace(/[ \t]+$/gm, '')
    .replace(/=\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

interface ContentType {
  type: string;
  subtype: string;
  params: Map<string, string>;
}

function parseContentType(value: string | undefined): ContentType {
  const params = new Map<string, string>();
  if (!value) return { type: 'text', subtype: 'plain', params };
  const [mime = '', ...rest] = splitParams(value);
  const [type = 'text', subtype = 'plain'] = mime.trim().toLowerCase().split('/');
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq === -1) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let val = p.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"')) val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    params.set(key, val);
  }
  return { type, subtype, params };
}

/** Splits `a; b="x;y"; c` at semicolons outside quotes. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '"' && value[i - 1] !== '\\') quoted = !quoted;
    if (ch === ';' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function first(headers: Map<string, string[]>, name: string): string | undefined {
  return headers.get(name)?.[0];
}

const MAX_DEPTH = 8;

/** The decoded plain text of an entity, or null when it holds no text part. */
function entityText(entity: Entity, depth: number): string | null {
  const ct = parseContentType(first(entity.headers, 'content-type'));
  if (ct.type === 'multipart') {
    const boundary = ct.params.get('boundary');
    if (!boundary || depth >= MAX_DEPTH) return null;
    const parts = splitMultipart(entity.body.toString('latin1'), boundary).map(
      (p) => splitEntity(Buffer.from(p, 'latin1'), false)!,
    );
    const plain = parts.find((p) => {
      const pct = parseContentType(first(p.headers, 'content-type'));
      const attachment = /^\s*attachment/i.test(first(p.headers, 'content-disposition') ?? '');
      return pct.type === 'text' && pct.subtype === 'plain' && !attachment;
    });
    if (plain) return entityText(plain, depth + 1);
    for (const p of parts) {
      const pct = parseContentType(first(p.headers, 'content-type'));
      if (pct.type === 'multipart' || pct.type === 'text') {
        const t = entityText(p, depth + 1);
        if (t !== null) return t;
      }
    }
    return null;
  }
  if (ct.type !== 'text') return null;
  const cte = (first(entity.headers, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  let bytes = entity.body;
  if (cte === 'base64')
    bytes = Buffer.from(bytes.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  else if (cte === 'quoted-printable')
    bytes = Buffer.from(decodeQuotedPrintable(bytes.toString('latin1').replace(/\r\n/g, '\n')), 'latin1');
  const text = decodeBytes(bytes, ct.params.get('charset'));
  return text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
}

function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | null = null;
  for (const line of body.split('\n')) {
    const trimmed = line.replace(/[ \t\r]+$/, '');
    if (trimmed === `${delimiter}--`) {
      if (current) parts.push(current.join('\n'));
      current = null;
      break;
    }
    if (trimmed === delimiter) {
      if (current) parts.push(current.join('\n'));
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current) parts.push(current.join('\n'));
  return parts;
}
