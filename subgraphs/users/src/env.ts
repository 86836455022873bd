import { loadConfig, z } from '@agentry/core';

/** Users-specific configuration (the common subgraph settings are read by the kit). */
export function loadUsersEnv(env: NodeJS.ProcessEnv) {
  return loadConfig(
    'users subgraph',
    {
      /** HS256 secret for session tokens, shared with the gateway that verifies them. */
      SESSION_TOKEN_SECRET: z
        .string({ error: 'SESSION_TOKEN_SECRET is required (npm start generates one)' })
        .min(32, 'SESSION_TOKEN_SECRET must be at least 32 characters'),
      /** Session lifetime; roles granted later take effect at the next sign-in. */
      SESSION_TTL: z.string().default('12h'),
    },
    env,
  );
}
export type UsersEnv = ReturnType<typeof loadUsersEnv>;
