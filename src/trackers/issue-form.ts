/**
 * Fields kept in the Markdown body of an issue, as GitHub issue forms render them: a `### Label`
 * heading, a blank line, the value, and `_No response_` for an empty field. A `render:` field's
 * value comes wrapped in a code fence. GitLab description templates can use the same layout.
 */

const NO_RESPONSE = '_No response_';

function headingLine(line: string): string | null {
  const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  return m ? m[1]! : null;
}

/** The non-empty, trimmed lines of a text value. */
export function valueLines(text: string | null | undefined): string[] {
  if (!text) return [];
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/**
 * The lines of the section under `heading` (compared without case), or null when the body has no
 * such heading. Code fences and `_No response_` are not part of the value.
 */
export function readFormSection(body: string | null | undefined, heading: string): string[] | null {
  if (!body) return null;
  const lines = body.split(/\r?\n/);
  const want = heading.trim().toLowerCase();
  const start = lines.findIndex((l) => headingLine(l)?.toLowerCase() === want);
  if (start === -1) return null;
  const value: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (headingLine(line) !== null) break;
    if (/^\s*(```|~~~)/.test(line)) continue;
    if (line.trim() === NO_RESPONSE) continue;
    if (/^\s*<!-- ferry:marker=/.test(line)) continue;
    value.push(line);
  }
  return valueLines(value.join('\n'));
}

/** `body` with the section under `heading` set to `lines` (appended when the heading is absent). */
export function writeFormSection(body: string | null | undefined, heading: string, lines: string[]): string {
  const value = lines.length ? lines.join('\n') : NO_RESPONSE;
  const text = body ?? '';
  const all = text.split(/\r?\n/);
  const want = heading.trim().toLowerCase();
  const start = all.findIndex((l) => headingLine(l)?.toLowerCase() === want);
  if (start === -1) {
    const sep = text.trim().length ? `${text.replace(/\s+$/, '')}\n\n` : '';
    return `${sep}### ${heading}\n\n${value}\n`;
  }
  let end = start + 1;
  while (end < all.length && headingLine(all[end]!) === null) end++;
  const after = all.slice(end);
  return [...all.slice(0, start + 1), '', value, ...(after.length ? ['', ...after] : [''])].join('\n');
}

/** Where an issue form keeps Ferry's two fields (the `form:` settings of a tracker). */
export interface FormHeadings {
  commit_hashes: string;
  fix_version: string;
}

/** The hash lines and Fix Versions of an issue body; the milestone is the Fix Version when the form has none. */
export function readIssueForm(
  body: string | null | undefined,
  form: FormHeadings,
  milestone: string | null | undefined,
): { commitHashLines: string[]; fixVersions: string[] } {
  const fix = readFormSection(body, form.fix_version);
  return {
    commitHashLines: readFormSection(body, form.commit_hashes) ?? [],
    fixVersions: fix?.length ? fix : milestone ? [milestone] : [],
  };
}

/** `body` with the fields that are given rewritten and the rest kept. */
export function writeIssueForm(
  body: string | null | undefined,
  form: FormHeadings,
  fields: { fixVersions?: string[] | undefined; commitHashLines?: string[] | undefined },
): string {
  let text = body ?? '';
  if (fields.fixVersions) text = writeFormSection(text, form.fix_version, fields.fixVersions);
  if (fields.commitHashLines) text = writeFormSection(text, form.commit_hashes, fields.commitHashLines);
  return text;
}

/** Which of Ferry's fields an edit of the body changed. */
export function changedFormFields(
  before: string | null | undefined,
  after: string | null | undefined,
  form: FormHeadings,
): ('commit_hashes' | 'fix_versions')[] {
  const same = (h: string) =>
    JSON.stringify(readFormSection(before, h)) === JSON.stringify(readFormSection(after, h));
  const changed: ('commit_hashes' | 'fix_versions')[] = [];
  if (!same(form.commit_hashes)) changed.push('commit_hashes');
  if (!same(form.fix_version)) changed.push('fix_versions');
  return changed;
}
