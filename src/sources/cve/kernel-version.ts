/**
 * Linux kernel version numbers, as the CVE team writes them: mainline releases `6.1`, release
 * candidates `6.14-rc2`, stable releases `5.10.37`, and the old 2.6 scheme where the mainline
 * release has three parts (`2.6.24`) and stable four (`2.6.24.5`). Pure: no I/O.
 *
 * Order: 5.14-rc2 < 5.14-rc3 < 5.14 = 5.14.0 < 5.14.1 < 5.15-rc1.
 */
export interface KernelVersion {
  /** As written. */
  text: string;
  /** Numeric parts: [5, 14] or [5, 10, 37] or [2, 6, 24, 5]. */
  parts: number[];
  /** The -rc number, or null for a release. */
  rc: number | null;
}

export class BadKernelVersionError extends Error {
  override name = 'BadKernelVersionError';
  readonly exitCode = 2;
  constructor(
    readonly input: string,
    what = 'kernel version',
  ) {
    super(`${what} '${input}' is not a kernel version; expected e.g. 5.14, 5.14.21 or 6.1-rc3`);
  }
}

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-rc(\d+))?$/;

export function parseKernelVersion(text: string, what?: string): KernelVersion {
  const m = VERSION.exec(text.trim());
  if (!m) throw new BadKernelVersionError(text, what);
  const parts = [m[1], m[2], m[3], m[4]].filter((p): p is string => p !== undefined).map(Number);
  // 6.1.0 is how a Makefile spells the 6.1 release; compare and classify it as 6.1.
  if (!isOldScheme(parts) && parts.length === 3 && parts[2] === 0) parts.pop();
  const rc = m[5] === undefined ? null : Number(m[5]);
  return { text: text.trim(), parts, rc };
}

export function isKernelVersion(text: string): boolean {
  return VERSION.test(text.trim());
}

function isOldScheme(parts: number[]): boolean {
  return parts[0] === 2 && parts[1] === 6;
}

function asVersion(v: KernelVersion | string): KernelVersion {
  return typeof v === 'string' ? parseKernelVersion(v) : v;
}

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b`. */
export function compareKernelVersions(a: KernelVersion | string, b: KernelVersion | string): number {
  const x = asVersion(a);
  const y = asVersion(b);
  for (let i = 0; i < 4; i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  // Same numbers: a release candidate comes before its release.
  if (x.rc === y.rc) return 0;
  if (x.rc === null) return 1;
  if (y.rc === null) return -1;
  return x.rc - y.rc;
}

/** The release line a version belongs to: `5.10` for 5.10.37, `5.14` for 5.14-rc3, `2.6.24` for 2.6.24.5. */
export function kernelSeries(v: KernelVersion | string): string {
  const x = asVersion(v);
  return x.parts.slice(0, isOldScheme(x.parts) ? 3 : 2).join('.');
}

/** A mainline version (Linus's tree): a release `6.1` or a release candidate `6.14-rc2`. */
export function isMainlineVersion(v: KernelVersion | string): boolean {
  const x = asVersion(v);
  if (x.rc !== null) return true;
  return x.parts.length === (isOldScheme(x.parts) ? 3 : 2);
}

/**
 * Whether a kernel at `base` contains what was released in `v`: a mainline version reaches every
 * later kernel; a stable release reaches only later releases of its own series.
 */
export function kernelIncludes(base: KernelVersion | string, v: KernelVersion | string): boolean {
  const b = asVersion(base);
  const x = asVersion(v);
  if (compareKernelVersions(x, b) > 0) return false;
  return isMainlineVersion(x) || kernelSeries(x) === kernelSeries(b);
}
