import { flag, loadConfig, runMode, subgraphUrl, baseUrlOf, z } from '@agentry/core';

/** Settings of the task runner (the common subgraph settings are read by the kit). */
export function loadTasksEnv(env: NodeJS.ProcessEnv) {
  const config = loadConfig(
    'tasks subgraph',
    {
      NODE_ENV: runMode,
      /** Billing's base URL for holds (default: SUBGRAPH_BILLING_URL, else the manifest's port). */
      BILLING_URL: z.string().url().optional(),
      /** Let agents live on private or loopback addresses (default: outside production only). */
      AGENTRY_ALLOW_PRIVATE_URLS: flag.optional(),
      /** How long an agent may stay silent or unreachable before its task FAILS (default 60 s). */
      TASK_AGENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
      /**
       * How long the platform keeps trying to tell an agent to cancel a task (a cancelTask, or a
       * task failed because its agent hung) in the background; default 120 s.
       */
      TASK_AGENT_CANCEL_WINDOW_MS: z.coerce.number().int().min(0).default(120_000),
      /** How long a runner's claim on a task lasts without renewal (default 15 s). */
      TASK_LEASE_MS: z.coerce.number().int().min(200).default(15_000),
      /** Tasks one process runs at once (default 50). */
      TASK_RUNNER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
      /** A tool call without progress for this long is cut (TIMEOUT); default 30 s. */
      TOOL_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
      /** No tool call lasts longer than this, progress or not; default 120 s. */
      TOOL_CALL_MAX_TOTAL_MS: z.coerce.number().int().min(100).default(120_000),
      /** Run tasks in this process (default on); off for a read-only replica. */
      TASK_RUNNER: flag.default(true),
    },
    env,
  );
  const billingBase = baseUrlOf(config.BILLING_URL ?? subgraphUrl('billing', env));
  return {
    ...config,
    billingBase,
    allowPrivateUrls: config.AGENTRY_ALLOW_PRIVATE_URLS ?? config.NODE_ENV !== 'production',
  };
}
export type TasksEnv = ReturnType<typeof loadTasksEnv>;
