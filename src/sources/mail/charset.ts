/**
 * Bytes to text for mail. A declared charset is honoured when the runtime knows it; mail that
 * declares nothing (or only `us-ascii`) is very often UTF-8 in practice, so UTF-8 is tried first
 * and Windows-1252 (a superset of Latin-1 that never fails) is the fallback.
 */

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });

interface Decoder {
  decode(bytes: Uint8Array): string;
}

/**
 * Windows-1252's 0x80-0x9F (curly quotes, dashes, the euro sign). Node 20's TextDecoder maps
 * the windows-1252 label (and latin1, which WHATWG aliases to it) but decodes as ISO-8859-1,
 * leaving C1 control characters where mail means `’`.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

const windows1252: Decoder = {
  decode: (bytes) =>
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      .toString('latin1')
      .replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!),
};

const decoders = new Map<string, Decoder | null>();

function decoderFor(label: string): Decoder | null {
  const key = label.toLowerCase();
  let d = decoders.get(key);
  if (d === undefined) {
    try {
      const td = new TextDecoder(key);
      d = td.encoding === 'windows-1252' ? windows1252 : td;
    } catch {
      d = null;
    }
    decoders.set(key, d);
  }
  return d;
}

const GUESSED = new Set(['', 'us-ascii', 'ascii', 'utf-8', 'utf8', 'unknown-8bit', 'x-unknown']);

export function decodeBytes(bytes: Uint8Array, charset?: string | null): string {
  const label = (charset ?? '').trim().replace(/^"|"$/g, '').toLowerCase();
  if (GUESSED.has(label)) {
    try {
      return UTF8_STRICT.decode(bytes);
    } catch {
      return decoderFor('windows-1252')!.decode(bytes);
    }
  }
  const d = decoderFor(label);
  if (d) return d.decode(bytes);
  try {
    return UTF8_STRICT.decode(bytes);
  } catch {
    return decoderFor('windows-1252')!.decode(bytes);
  }
}
