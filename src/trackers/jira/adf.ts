/**
 * Jira Cloud's REST v3 carries rich text (descriptions, comments, multi-line custom fields) as
 * Atlassian Document Format. Ferry reads it as plain lines and writes plain text as paragraphs,
 * with line breaks, code blocks (``` fences) and links for bare URLs.
 */

export interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
  attrs?: Record<string, unknown>;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
  version?: number;
}

const BLOCKS = new Set([
  'paragraph',
  'heading',
  'codeBlock',
  'listItem',
  'blockquote',
  'panel',
  'tableCell',
  'tableHeader',
]);

/** The text of a document, one string per line as a person sees it. */
export function adfToText(node: unknown): string {
  if (typeof node === 'string') return node;
  if (!node || typeof node !== 'object') return '';
  const out: string[] = [];
  const walk = (n: AdfNode) => {
    if (n.type === 'text') out.push(n.text ?? '');
    else if (n.type === 'hardBreak') out.push('\n');
    else if (n.type === 'inlineCard' && typeof n.attrs?.url === 'string') out.push(n.attrs.url);
    for (const c of n.content ?? []) walk(c);
    if (BLOCKS.has(n.type)) out.push('\n');
  };
  walk(node as AdfNode);
  return out.join('');
}

const URL_RE = /https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/g;

function inline(line: string): AdfNode[] {
  const nodes: AdfNode[] = [];
  let last = 0;
  for (const m of line.matchAll(URL_RE)) {
    if (m.index! > last) nodes.push({ type: 'text', text: line.slice(last, m.index) });
    nodes.push({ type: 'text', text: m[0], marks: [{ type: 'link', attrs: { href: m[0] } }] });
    last = m.index! + m[0].length;
  }
  if (last < line.length) nodes.push({ type: 'text', text: line.slice(last) });
  return nodes;
}

function paragraph(lines: string[]): AdfNode {
  const content: AdfNode[] = [];
  lines.forEach((l, i) => {
    if (i > 0) content.push({ type: 'hardBreak' });
    content.push(...inline(l));
  });
  return { type: 'paragraph', content };
}

/** Plain text as a document: blank lines separate paragraphs, ``` fences make code blocks. */
export function textToAdf(text: string): AdfNode {
  const content: AdfNode[] = [];
  let para: string[] = [];
  let code: string[] | null = null;
  const flush = () => {
    if (para.length) content.push(paragraph(para));
    para = [];
  };
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    if (/^\s*```/.test(line)) {
      if (code === null) {
        flush();
        code = [];
      } else {
        content.push({
          type: 'codeBlock',
          content: code.length ? [{ type: 'text', text: code.join('\n') }] : [],
        });
        code = null;
      }
      continue;
    }
    if (code !== null) code.push(line);
    else if (line.trim() === '') flush();
    else para.push(line);
  }
  if (code !== null) content.push({ type: 'codeBlock', content: [{ type: 'text', text: code.join('\n') }] });
  flush();
  return { type: 'doc', version: 1, content };
}
