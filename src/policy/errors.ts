/**
 * Bad input to the policy: the same shape as the git layer's `BadInputError` (exit code
 * 2, the offending input named), which this layer may not import.
 */
export class PolicyInputError extends Error {
  override name = 'PolicyInputError';
  readonly exitCode = 2;
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}
