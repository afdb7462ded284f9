/**
 * A kernel-style MAINTAINERS file: sections with a title line and tagged lines (`M:` maintainer,
 * `R:` reviewer, `L:` list, `S:` status, `F:` file pattern, `X:` excluded pattern, `N:` file
 * name regex, `K:` content keyword regex). Matching follows scripts/get_maintainer.pl: an `F:`
 * pattern ending in `/` covers a whole directory; `*` and `?` are wildcards, and a pattern
 * without a trailing `/` matches only at its own depth; the deeper the pattern, the more
 * specific the section. Pure: the caller reads the file.
 */
export interface MaintainerSection {
  title: string;
  maintainers: string[];
  reviewers: string[];
  lists: string[];
  status: string | null;
  files: string[];
  excludes: string[];
  /** `N:` regular expressions on the file name (the invalid ones dropped). */
  names: RegExp[];
  keywords: string[];
}

const TAG = /^([A-Z]):\s*(.*?)\s*$/;

export function parseMaintainers(text: string): MaintainerSection[] {
  const sections: MaintainerSection[] = [];
  let current: MaintainerSection | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      current = null;
      continue;
    }
    const m = TAG.exec(line);
    if (!m) {
      // A title line; before any tag, a following line replaces it (the file's preamble).
      if (current && sectionHasTags(current)) current = null;
      if (current) current.title = line.trim();
      else {
        current = emptySection(line.trim());
        sections.push(current);
      }
      continue;
    }
    if (!current) continue;
    const [, tag, value = ''] = m;
    if (tag === 'M') current.maintainers.push(value);
    else if (tag === 'R') current.reviewers.push(value);
    else if (tag === 'L') current.lists.push(value);
    else if (tag === 'S') current.status = value;
    else if (tag === 'F') current.files.push(value);
    else if (tag === 'X') current.excludes.push(value);
    else if (tag === 'K') current.keywords.push(value);
    else if (tag === 'N') {
      try {
        current.names.push(new RegExp(value));
      } catch {
        // A Perl-only construct; the section still matches by its F: lines.
      }
    }
  }
  return sections.filter(sectionHasTags);
}

function emptySection(title: string): MaintainerSection {
  return {
    title,
    maintainers: [],
    reviewers: [],
    lists: [],
    status: null,
    files: [],
    excludes: [],
    names: [],
    keywords: [],
  };
}

function sectionHasTags(s: MaintainerSection): boolean {
  return (
    s.maintainers.length + s.reviewers.length + s.lists.length + s.files.length + s.names.length > 0 ||
    s.status !== null
  );
}

const slashes = (s: string) => s.split('/').length - 1;

function patternRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}`);
}

/** get_maintainer.pl's file_match_pattern, plus a wildcard-free directory named without `/`. */
export function maintainersPatternMatches(pattern: string, file: string): boolean {
  if (pattern.endsWith('/')) return patternRegex(pattern).test(file);
  if (!/[*?]/.test(pattern) && file.startsWith(`${pattern}/`)) return true;
  return patternRegex(pattern).test(file) && slashes(file) === slashes(pattern);
}

/** How specific a matching `F:` pattern is: its depth, one more for a file than a directory. */
function depth(pattern: string): number {
  if (pattern.startsWith('*')) return 0;
  return slashes(pattern) + (pattern.endsWith('/') ? 0 : 1);
}

export interface MaintainerMatch {
  section: MaintainerSection;
  /** Higher is more specific. */
  depth: number;
  /** The `F:` pattern (or `N:` regex) that matched. */
  pattern: string;
}

/** The sections that cover `file`, most specific first (ties keep the file's order). */
export function matchMaintainers(sections: readonly MaintainerSection[], file: string): MaintainerMatch[] {
  const matches: MaintainerMatch[] = [];
  for (const section of sections) {
    if (section.excludes.some((x) => maintainersPatternMatches(x, file))) continue;
    let best: MaintainerMatch | null = null;
    for (const f of section.files)
      if (maintainersPatternMatches(f, file) && (!best || depth(f) > best.depth))
        best = { section, depth: depth(f), pattern: f };
    if (!best) {
      const n = section.names.find((re) => re.test(file));
      if (n) best = { section, depth: 0, pattern: `N: ${n.source}` };
    }
    if (best) matches.push(best);
  }
  return matches.sort((a, b) => b.depth - a.depth);
}

/** The e-mail address of an `M:` line (`Name <addr>`), or the line itself. */
export function maintainerAddress(entry: string): string {
  return /<([^>]+)>/.exec(entry)?.[1] ?? entry.trim();
}
