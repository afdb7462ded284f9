/**
 * Path patterns in the `.gitignore` manner, because that is how maintainers already write
 * "these files are docs": a pattern without a slash matches a name at any depth (`tox.ini`,
 * `*.rst`); a pattern ending in a slash matches a directory at any depth and everything under
 * it (`tests/`); any other slash anchors the pattern at the top of the repository
 * (`nova/db/*\/migrations/`). `*` and `?` stay within one path segment, `**` crosses them,
 * `{a,b}` gives alternatives and `[...]` a class.
 */

const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let p = pattern.trim();
  let dirOnly = false;
  if (p.endsWith('/')) {
    dirOnly = true;
    p = p.replace(/\/+$/, '');
  }
  const anchored = p.includes('/');
  p = p.replace(/^\/+/, '');
  const body = translate(p);
  const prefix = anchored ? '^' : '^(?:.*/)?';
  const suffix = dirOnly ? '/.*$' : '(?:/.*)?$';
  const re = new RegExp(prefix + body + suffix);
  cache.set(pattern, re);
  return re;
}

function translate(p: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        const slashAfter = p[i + 2] === '/';
        const atSegmentStart = i === 0 || p[i - 1] === '/';
        if (atSegmentStart && slashAfter) {
          out += '(?:[^/]*/)*';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        let cls = p.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        out += `[${cls}]`;
        i = end;
      }
    } else if (c === '{') {
      depth++;
      out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (c === ',' && depth > 0) out += '|';
    else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return out + ')'.repeat(depth);
}

export function matchesAny(path: string, patterns: readonly string[]): boolean {
  for (const p of patterns) if (globToRegExp(p).test(path)) return true;
  return false;
}

/** True when `path` matches `include` and not `exclude`. */
export function selected(path: string, include: readonly string[], exclude: readonly string[] = []): boolean {
  return matchesAny(path, include) && !matchesAny(path, exclude);
}
