import { globToRegExp } from '../../policy/glob.js';
import { type MaintainerSection, maintainerAddress, matchMaintainers } from './maintainers.js';

/**
 * Who handles a CVE: its affected files → a sub-component and an assignee. The configured
 * ownership map (globs) decides first, the most specific rule winning; files it does not cover
 * (and rules that name no assignee) fall back to MAINTAINERS; then to the configured defaults.
 * The CVE goes to the component that covers most of its files. Pure.
 */
export interface OwnershipRule {
  /**
   * Path patterns in the `.gitignore` manner (src/policy/glob.ts): `drivers/net/` or `drivers/net`
   * covers everything under it, `fs/**\/inode.c` crosses directories, a pattern without a slash
   * (`Kconfig`) matches at any depth; `*`, `?`, `{a,b}` and `[...]` as usual.
   */
  pattern: string | string[];
  component: string;
  assignee?: string;
}

export interface RoutingConfig {
  ownership?: readonly OwnershipRule[];
  maintainers?: readonly MaintainerSection[];
  default_component?: string | null;
  default_assignee?: string | null;
}

export interface FileRoute {
  file: string;
  component: string | null;
  assignee: string | null;
  via: 'ownership' | 'maintainers' | 'default';
  /** The rule that decided: a glob, a MAINTAINERS section and its pattern. */
  rule: string | null;
  /** Higher is more specific. */
  specificity: number;
}

export interface Routing {
  component: string | null;
  assignee: string | null;
  reason: string;
  files: FileRoute[];
}

/** Ownership patterns are written like the policy's file patterns (`.gitignore` style). */
export function globMatches(glob: string, file: string): boolean {
  return globToRegExp(glob).test(file);
}

/** More literal characters, more specific: `drivers/net/wireless/` beats `drivers/net/`. */
function globSpecificity(glob: string): number {
  return glob.replace(/[*?]/g, '').replace(/\/+$/, '').length;
}

function bestOwnership(
  rules: readonly OwnershipRule[],
  file: string,
): { rule: OwnershipRule; glob: string } | null {
  let best: { rule: OwnershipRule; glob: string } | null = null;
  for (const rule of rules)
    for (const glob of Array.isArray(rule.pattern) ? rule.pattern : [rule.pattern])
      if (globMatches(glob, file) && (!best || globSpecificity(glob) > globSpecificity(best.glob)))
        best = { rule, glob };
  return best;
}

export function routeFile(file: string, config: RoutingConfig): FileRoute {
  const owned = bestOwnership(config.ownership ?? [], file);
  const sections = matchMaintainers(config.maintainers ?? [], file);
  const maintained = sections.find((m) => m.section.maintainers.length > 0) ?? sections[0] ?? null;
  const maintainer = maintained?.section.maintainers[0];
  const fromMaintainers = maintainer ? maintainerAddress(maintainer) : null;
  if (owned)
    return {
      file,
      component: owned.rule.component,
      assignee: owned.rule.assignee ?? fromMaintainers ?? config.default_assignee ?? null,
      via: 'ownership',
      rule: owned.glob,
      specificity: 1000 + globSpecificity(owned.glob),
    };
  if (maintained)
    return {
      file,
      component: maintained.section.title,
      assignee: fromMaintainers ?? config.default_assignee ?? null,
      via: 'maintainers',
      rule: `${maintained.section.title} (${maintained.pattern})`,
      specificity: maintained.depth,
    };
  return {
    file,
    component: config.default_component ?? null,
    assignee: config.default_assignee ?? null,
    via: 'default',
    rule: null,
    specificity: -1,
  };
}

/** The component and assignee for a CVE's files, with the reason in words. */
export function routeFiles(files: readonly string[], config: RoutingConfig): Routing {
  const routes = files.map((f) => routeFile(f, config));
  if (routes.length === 0)
    return {
      component: config.default_component ?? null,
      assignee: config.default_assignee ?? null,
      reason: 'no affected files; the defaults apply',
      files: [],
    };
  const groups = new Map<string, FileRoute[]>();
  for (const r of routes) {
    const key = JSON.stringify([r.component, r.assignee]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const ranked = [...groups.values()].sort(
    (a, b) =>
      b.length - a.length ||
      Math.max(...b.map((r) => r.specificity)) - Math.max(...a.map((r) => r.specificity)),
  );
  const chosen = ranked[0]!;
  const lead = chosen.reduce((a, b) => (b.specificity > a.specificity ? b : a));
  const how =
    lead.via === 'ownership'
      ? `ownership rule '${lead.rule}'`
      : lead.via === 'maintainers'
        ? `MAINTAINERS section ${lead.rule}`
        : 'the defaults';
  const who = `${lead.component ?? 'no component'}, ${lead.assignee ?? 'no assignee'}`;
  const count =
    routes.length === 1 ? lead.file : `${chosen.length} of ${routes.length} files (${lead.file} ...)`;
  return {
    component: lead.component,
    assignee: lead.assignee,
    reason: `${count} → ${who} by ${how}`,
    files: routes,
  };
}
