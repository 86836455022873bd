/**
 * Polls `check` every `everyMs` (default 50 ms) until it returns a truthy value, and returns it;
 * fails with "timed out waiting for <what>" after `timeoutMs` (default 20 s). For effects that
 * happen elsewhere (another process, an event consumer), never as a fixed sleep.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** SQL statements a subgraph has issued while serving GraphQL so far (its `/debug/sql`). */
export async function sqlCount(graphqlUrl: string): Promise<number> {
  const res = await fetch(`${graphqlUrl.replace(/\/graphql$/, '')}/debug/sql`);
  return ((await res.json()) as { count: number }).count;
}
