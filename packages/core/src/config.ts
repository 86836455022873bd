import { z } from 'zod';

export { z };

/** `development` (default), `test` or `production`. Production turns on the strict defaults. */
export const runMode = z.enum(['development', 'test', 'production']).default('development');
export type RunMode = z.infer<typeof runMode>;

/**
 * Reads and checks configuration from the environment in one place, failing fast with one line
 * per bad or missing variable instead of a crash somewhere later.
 */
export function loadConfig<S extends z.ZodRawShape>(
  service: string,
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`${service}: invalid configuration\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** A TCP port from the environment. */
export const port = (fallback: number) =>
  z.coerce.number().int().min(0).max(65535).default(fallback);

/** A PEM key given inline; `\n` escapes are accepted so keys fit in one env line. */
export const pem = (what: string) =>
  z
    .string({ error: `${what} is required (npm start generates one; see docs/OPERATIONS.md)` })
    .min(1)
    .transform((s) => s.replace(/\\n/g, '\n'));

/**
 * A yes/no setting: `1`/`true` or `0`/`false`. Combine with `.optional()` or `.default(...)`.
 */
export const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
