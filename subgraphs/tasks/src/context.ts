import type { SubgraphContext } from '@agentry/subgraph-kit';
import type { BillingClient } from './billing/billing.client';
import type { TasksEnv } from './env';
import type { AgentCancels } from './runner/agent-cancel';
import type { JobQueue } from './runner/job-queue';
import type { TaskRunner } from './runner/task-runner';
import type { TaskEventStream } from './events/task-event-stream';

/** What the tasks subgraph's resolvers need besides the kit's context. */
export interface TaskServices {
  env: TasksEnv;
  queue: JobQueue;
  runner: TaskRunner | null;
  /** Cancels at agents, in the background (cancelTask, tasks failed on a hung agent). */
  cancels: AgentCancels;
  billing: BillingClient;
  /** The process's shared tail of task events (subscriptions). */
  stream: TaskEventStream;
}

export interface TasksContext extends SubgraphContext {
  services: TaskServices;
}
