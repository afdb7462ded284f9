import { PROFILES, type Profile, type ProfileName } from './profiles/index.js';
import type { ChangeClass, ChangedFile, DetectorId } from './types.js';
import { DETECTOR_IDS } from './types.js';

/**
 * The policy's settings as `ferry.yaml`'s `policy:` section writes them (every field
 * optional), and the same settings with defaults and the chosen profile filled in. The
 * defaults live here, once; the configuration schema only checks the shape.
 */

export type DetectorAction = 'refuse' | 'note' | 'off';

/**
 * One observable sign of a forbidden change. Detectors are lists of signals so that a
 * project describes its own layout in configuration rather than in code.
 */
export interface Signal {
  /**
   * file-added / file-removed / file-changed (any status): the file's status;
   * line-added / line-removed: a line matching `pattern` is added (removed) and not also
   *   removed (added) in the same commit, ignoring indentation;
   * value-changed: `pattern`'s first group has different values in removed and added lines;
   * name-added / name-removed: a name (first group) appears only in added (removed) lines;
   * name-changed: a name appears in both, on lines that differ.
   */
  kind:
    | 'file-added'
    | 'file-changed'
    | 'file-removed'
    | 'line-added'
    | 'line-removed'
    | 'value-changed'
    | 'name-added'
    | 'name-removed'
    | 'name-changed';
  paths: string[];
  exclude?: string[] | undefined;
  /** Only files with these statuses (A, M, D, R, C, T); every status when absent. */
  statuses?: ChangedFile['status'][] | undefined;
  /** A regular expression (JavaScript syntax), matched per line; name kinds match across lines. */
  pattern?: string | undefined;
  /** name-removed only: a removed name is kept quiet when an added line matches this, `{name}` replaced. */
  unless_added?: string | undefined;
  /** What the change does, completing "this commit ...": "adds a database migration". */
  what: string;
  /** At most a note for reviewers, never a refusal. */
  note?: boolean | undefined;
}

export interface DetectorOverride {
  action?: DetectorAction | undefined;
  /** Replaces the profile's signals. */
  signals?: Signal[] | undefined;
  /** Added to the profile's signals. */
  extra_signals?: Signal[] | undefined;
}

export interface GrantedException {
  /** A commit id or a unique prefix (7+ hex digits). */
  commit?: string | undefined;
  /** A Gerrit Change-Id, matched against the commit's `Change-Id:` trailer. */
  change_id?: string | undefined;
  /** Only for this stream; every stream when absent. */
  stream?: string | undefined;
  /** Which rules the exception lifts. */
  rules: string[];
  /** Who granted it and where: shown in the verdict. */
  reason: string;
}

export interface PolicyInput {
  profile?: ProfileName | undefined;
  phases?:
    | {
        phase_one_months?: number | undefined;
        phase_two_months?: number | undefined;
        /** When set, an active stream older than this is treated as end-of-life. */
        support_months?: number | undefined;
        /** What an extended-maintenance stream accepts. */
        extended_maintenance?: ChangeClass[] | undefined;
      }
    | undefined;
  classes?:
    | {
        security?:
          | {
              cve?: boolean | undefined;
              keywords?: string[] | undefined;
              tracker_labels?: string[] | undefined;
              tracker_severities?: string[] | undefined;
              tracker_types?: string[] | undefined;
            }
          | undefined;
        critical?:
          | {
              keywords?: string[] | undefined;
              tracker_labels?: string[] | undefined;
              tracker_severities?: string[] | undefined;
            }
          | undefined;
        bug_fix?:
          | {
              trailers?: string[] | undefined;
              patterns?: string[] | undefined;
              tracker_types?: string[] | undefined;
            }
          | undefined;
        feature?:
          | {
              patterns?: string[] | undefined;
              tracker_types?: string[] | undefined;
              tracker_severities?: string[] | undefined;
            }
          | undefined;
        safe?:
          | {
              docs?: string[] | undefined;
              tests?: string[] | undefined;
              config_files?: string[] | undefined;
              ci?: string[] | undefined;
              log_calls?: string[] | undefined;
            }
          | undefined;
      }
    | undefined;
  detectors?: Partial<Record<DetectorId, DetectorAction | DetectorOverride>> | undefined;
  newer_first?:
    | {
        enabled?: boolean | undefined;
        exempt_tests_only?: boolean | undefined;
        exempt_gate_fixes?: boolean | undefined;
        exempt_security?: boolean | undefined;
      }
    | undefined;
  streams?: Record<string, { backporting_allowed?: boolean | undefined }> | undefined;
  exceptions?: GrantedException[] | undefined;
  review?:
    | {
        maintainers?: string[] | undefined;
        approvals_required?: number | undefined;
        approvals_required_when_maintainer_backported?: number | undefined;
      }
    | undefined;
}

export interface ResolvedPolicy {
  profile: ProfileName;
  phases: { phase_one_months: number; phase_two_months: number; support_months: number | null };
  extended_maintenance: ChangeClass[];
  security: {
    cve: boolean;
    keywords: string[];
    tracker_labels: string[];
    tracker_severities: string[];
    tracker_types: string[];
  };
  critical: { keywords: string[]; tracker_labels: string[]; tracker_severities: string[] };
  bug_fix: { trailers: string[]; patterns: string[]; tracker_types: string[] };
  feature: { patterns: string[]; tracker_types: string[]; tracker_severities: string[] };
  safe: { docs: string[]; tests: string[]; config_files: string[]; ci: string[]; log_calls: string[] };
  detectors: Record<DetectorId, { action: DetectorAction; signals: Signal[] }>;
  newer_first: {
    enabled: boolean;
    exempt_tests_only: boolean;
    exempt_gate_fixes: boolean;
    exempt_security: boolean;
  };
  streams: Record<string, { backporting_allowed?: boolean | undefined }>;
  exceptions: GrantedException[];
  review: {
    maintainers: string[];
    approvals_required: number;
    approvals_required_when_maintainer_backported: number;
  };
}

/** Project-independent defaults; a profile adds the paths and signals of a kind of tree. */
export const DEFAULTS = {
  phase_one_months: 6,
  phase_two_months: 12,
  extended_maintenance: ['security', 'critical'] as ChangeClass[],
  security: {
    cve: true,
    // "security" alone is not a keyword: neutron says "security group" in every other commit.
    keywords: ['vulnerability', 'OSSA-', 'SecurityImpact'],
    tracker_labels: ['security'],
    tracker_severities: [],
    tracker_types: ['vulnerability'],
  },
  critical: {
    keywords: ['data loss', 'data corruption'],
    tracker_labels: ['critical'],
    tracker_severities: ['critical', 'urgent', 'blocker'],
  },
  bug_fix: {
    trailers: ['Closes-Bug', 'Partial-Bug', 'Fixes'],
    // The pre-trailer OpenStack style: "Fixes bug 1234567".
    patterns: ['^\\s*fix(es|ed)?:?\\s+(lp\\s*)?bug\\s*#?\\d+'],
    tracker_types: ['bug', 'defect'],
  },
  feature: {
    patterns: ['^\\s*(partial(ly)?[- ]?)?implements?:?\\s+(blueprint|bp)\\b'],
    tracker_types: ['story', 'feature', 'epic', 'enhancement', 'new feature'],
    tracker_severities: ['wishlist'],
  },
  newer_first: { enabled: true, exempt_tests_only: true, exempt_gate_fixes: true, exempt_security: false },
  review: { approvals_required: 2, approvals_required_when_maintainer_backported: 1 },
} as const;

export function resolvePolicy(input: PolicyInput = {}): ResolvedPolicy {
  const profileName: ProfileName = input.profile ?? 'none';
  const profile: Profile = PROFILES[profileName];
  const c = input.classes ?? {};
  const detectors = {} as ResolvedPolicy['detectors'];
  for (const id of DETECTOR_IDS) {
    const o = input.detectors?.[id];
    const override: DetectorOverride = typeof o === 'string' ? { action: o } : (o ?? {});
    const base = profile.detectors[id] ?? [];
    detectors[id] = {
      action: override.action ?? 'refuse',
      signals: [...(override.signals ?? base), ...(override.extra_signals ?? [])],
    };
  }
  return {
    profile: profileName,
    phases: {
      phase_one_months: input.phases?.phase_one_months ?? DEFAULTS.phase_one_months,
      phase_two_months: input.phases?.phase_two_months ?? DEFAULTS.phase_two_months,
      support_months: input.phases?.support_months ?? null,
    },
    extended_maintenance: input.phases?.extended_maintenance ?? [...DEFAULTS.extended_maintenance],
    security: {
      cve: c.security?.cve ?? DEFAULTS.security.cve,
      keywords: c.security?.keywords ?? [...DEFAULTS.security.keywords],
      tracker_labels: c.security?.tracker_labels ?? [...DEFAULTS.security.tracker_labels],
      tracker_severities: c.security?.tracker_severities ?? [...DEFAULTS.security.tracker_severities],
      tracker_types: c.security?.tracker_types ?? [...DEFAULTS.security.tracker_types],
    },
    critical: {
      keywords: c.critical?.keywords ?? [...DEFAULTS.critical.keywords],
      tracker_labels: c.critical?.tracker_labels ?? [...DEFAULTS.critical.tracker_labels],
      tracker_severities: c.critical?.tracker_severities ?? [...DEFAULTS.critical.tracker_severities],
    },
    bug_fix: {
      trailers: c.bug_fix?.trailers ?? [...DEFAULTS.bug_fix.trailers, ...profile.bug_trailers],
      patterns: c.bug_fix?.patterns ?? [...DEFAULTS.bug_fix.patterns],
      tracker_types: c.bug_fix?.tracker_types ?? [...DEFAULTS.bug_fix.tracker_types],
    },
    feature: {
      patterns: c.feature?.patterns ?? [...DEFAULTS.feature.patterns],
      tracker_types: c.feature?.tracker_types ?? [...DEFAULTS.feature.tracker_types],
      tracker_severities: c.feature?.tracker_severities ?? [...DEFAULTS.feature.tracker_severities],
    },
    safe: {
      docs: c.safe?.docs ?? profile.safe.docs,
      tests: c.safe?.tests ?? profile.safe.tests,
      config_files: c.safe?.config_files ?? profile.safe.config_files,
      ci: c.safe?.ci ?? profile.safe.ci,
      log_calls: c.safe?.log_calls ?? profile.safe.log_calls,
    },
    detectors,
    newer_first: {
      enabled: input.newer_first?.enabled ?? DEFAULTS.newer_first.enabled,
      exempt_tests_only: input.newer_first?.exempt_tests_only ?? DEFAULTS.newer_first.exempt_tests_only,
      exempt_gate_fixes: input.newer_first?.exempt_gate_fixes ?? DEFAULTS.newer_first.exempt_gate_fixes,
      exempt_security: input.newer_first?.exempt_security ?? DEFAULTS.newer_first.exempt_security,
    },
    streams: input.streams ?? {},
    exceptions: input.exceptions ?? [],
    review: {
      maintainers: input.review?.maintainers ?? [],
      approvals_required: input.review?.approvals_required ?? DEFAULTS.review.approvals_required,
      approvals_required_when_maintainer_backported:
        input.review?.approvals_required_when_maintainer_backported ??
        DEFAULTS.review.approvals_required_when_maintainer_backported,
    },
  };
}
