/** Small helpers for human output: aligned tables and colour on a terminal only. */

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(on: boolean) {
  return (colour: Colour, text: string) => (on ? `\x1b[${CODES[colour]}m${text}\x1b[0m` : text);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape codes is the point
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;

/** Left-aligned columns separated by two spaces. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visible(c));
    });
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - visible(c))))
        .join('  ')
        .trimEnd(),
    )
    .map((l) => `${l}\n`)
    .join('');
}

export const short = (oid: string | null | undefined) => (oid ? oid.slice(0, 12) : '-');

/** "Name <email>" → identity. */
export function parseIdentity(value: string, what: string): { name: string; email: string } {
  const m = /^\s*([^<>\n]+?)\s*<([^<>\s]+)>\s*$/.exec(value);
  if (!m)
    throw Object.assign(new Error(`${what} '${value}' is not "Name <email>"`), { exitCode: 2, input: value });
  return { name: m[1]!, email: m[2]! };
}
