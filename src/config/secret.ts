import { z } from 'zod';

/**
 * A secret is never written in ferry.yaml: the file names the environment variable that
 * holds it (`token_env: GITHUB_TOKEN`). Reading the value happens at use, not at load.
 */
export const envVarName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable, e.g. GITHUB_TOKEN');

export class MissingSecretError extends Error {
  override name = 'MissingSecretError';
  readonly exitCode = 2;
  constructor(
    readonly input: string,
    where: string,
  ) {
    super(`environment variable ${input} (named by ${where} in the configuration) is not set`);
  }
}

export function readSecret(env: NodeJS.ProcessEnv, name: string, where: string): string {
  const v = env[name];
  if (v === undefined || v === '') throw new MissingSecretError(name, where);
  return v;
}
