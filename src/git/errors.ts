/**
 * Bad input that reaches git: one clear line naming the input and saying what is
 * expected. Every layer's user-facing input errors carry `exitCode = 2`, which the
 * CLI turns into its exit status (the layers below the CLI may not import it).
 */
export class BadInputError extends Error {
  override name = 'BadInputError';
  readonly exitCode = 2;
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}

export class NotARepositoryError extends BadInputError {
  override name = 'NotARepositoryError';
}

export class BadRevisionError extends BadInputError {
  override name = 'BadRevisionError';
}

export class AmbiguousRevisionError extends BadRevisionError {
  override name = 'AmbiguousRevisionError';
}

export class BadRefNameError extends BadInputError {
  override name = 'BadRefNameError';
}
