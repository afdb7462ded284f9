import { z } from 'zod';
import { envVarName } from './secret.js';

/** How Ferry signs in to GitHub, for a tracker or a forge: a token, or a GitHub App. */
export const githubAuth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('token'), token_env: envVarName }).strict(),
  z
    .object({
      kind: z.literal('app'),
      app_id: z.number().int().positive(),
      private_key_env: envVarName,
      /** Found from the repository when omitted. */
      installation_id: z.number().int().positive().optional(),
    })
    .strict(),
]);
