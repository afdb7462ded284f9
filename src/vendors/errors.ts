/**
 * Failures of an outside system (GitHub, GitLab, Jira, Gerrit), in one shape for every
 * adapter, so a workflow records what the vendor said without knowing which vendor it was.
 * Below the CLI these carry `exitCode = 3`: a dependency failed, not the user's input.
 */

export type Vendor = 'github' | 'gitlab' | 'jira' | 'gerrit';

/** What a failed HTTP exchange said, extracted from whichever SDK made it. */
export interface HttpFailure {
  /** HTTP status, or null when no answer came (connection refused, reset, timeout). */
  status: number | null;
  /** Milliseconds the vendor asked us to wait (`Retry-After`, or a rate-limit reset), if it said. */
  retryAfterMs: number | null;
  /** The vendor's own message, e.g. GitHub's `message`, Jira's `errorMessages`, GitLab's `message`. */
  message: string;
  /** Further detail the vendor gave: GitHub's `errors`, Jira's `errors` by field, GitLab's field messages. */
  details: string[];
  /** True when the answer was a rate limit even though the status is not 429 (GitHub's secondary limit 403). */
  rateLimited?: boolean;
}

export abstract class VendorError extends Error {
  readonly exitCode = 3;
  constructor(
    readonly vendor: Vendor,
    /** What Ferry was doing, in words: "create pull request", "add labels to RHEL-12". */
    readonly operation: string,
    readonly status: number | null,
    /** The vendor's own message, unaltered. */
    readonly vendorMessage: string,
    readonly details: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

function describe(f: HttpFailure): string {
  const extra = f.details.length ? ` (${f.details.join('; ')})` : '';
  return `${f.message || 'no message'}${extra}`;
}

/**
 * The vendor refused the request for good (a 4xx other than a rate limit): retrying the same
 * request cannot help. The message is the vendor's, so it can be shown to the person who acts.
 */
export class VendorRejectedError extends VendorError {
  override name = 'VendorRejectedError';
  constructor(vendor: Vendor, operation: string, failure: HttpFailure) {
    super(
      vendor,
      operation,
      failure.status,
      failure.message,
      failure.details,
      `${vendor}: ${operation} was refused (HTTP ${failure.status}): ${describe(failure)}`,
    );
  }
}

/** The thing asked for does not exist (HTTP 404), as a separate class because callers branch on it. */
export class VendorNotFoundError extends VendorRejectedError {
  override name = 'VendorNotFoundError';
}

/**
 * The vendor kept failing (5xx, rate limits, no answer) after every retry the policy allows,
 * or asked us to wait longer than the policy will wait in-process. The job queue may try later.
 */
export class VendorUnavailableError extends VendorError {
  override name = 'VendorUnavailableError';
  constructor(
    vendor: Vendor,
    operation: string,
    failure: HttpFailure,
    readonly attempts: number,
    /** When the vendor named a time to come back, in milliseconds from the last answer. */
    readonly retryAfterMs: number | null,
  ) {
    const status = failure.status === null ? 'no answer' : `HTTP ${failure.status}`;
    super(
      vendor,
      operation,
      failure.status,
      failure.message,
      failure.details,
      `${vendor}: ${operation} failed after ${attempts} attempt${attempts === 1 ? '' : 's'} (${status}): ${describe(failure)}`,
    );
  }
}

/** The vendor's answer did not have the shape Ferry relies on (a contract break, not a transient). */
export class VendorResponseError extends VendorError {
  override name = 'VendorResponseError';
  constructor(vendor: Vendor, operation: string, what: string) {
    super(vendor, operation, null, what, [], `${vendor}: ${operation}: unexpected answer: ${what}`);
  }
}
