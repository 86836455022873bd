import type { SubgraphContext } from '@agentry/subgraph-kit';
import type { BillingClient } from './billing.client';
import type { TasksEnv } from './env';
import type { JobQueue } from './job-queue';
import type { TaskRunner } from './runner';
import type { TaskEventStream } from './task-event-stream';

/** What the tasks subgraph's resolvers need besides the kit's context. */
export interface TaskServices {
  env: TasksEnv;
  queue: JobQueue;
  runner: TaskRunner | null;
  billing: BillingClient;
  /** The process's shared tail of task events (subscriptions). */
  stream: TaskEventStream;
}

export interface TasksContext extends SubgraphContext {
  services: TaskServices;
}
