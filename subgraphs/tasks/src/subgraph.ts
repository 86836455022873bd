import type { SubgraphFactory } from '@agentry/subgraph-kit';
import { AgentProjection } from './projections/agent-projection.entity';
import { startAgentProjection } from './projections/agent-projection.consumer';
import { createBillingClient } from './billing/billing.client';
import type { TaskServices, TasksContext } from './context';
import { loadTasksEnv } from './env';
import { AgentCancels } from './runner/agent-cancel';
import { registerRunnerMetrics } from './runner/runner.metrics';
import { startJobQueue } from './runner/job-queue';
import { InitTasks1764500000000 } from './migrations/1764500000000-init-tasks';
import { TaskRunner1764600000000 } from './migrations/1764600000000-task-runner';
import { TaskEventStream1764800000000 } from './migrations/1764800000000-task-event-stream';
import { ToolCalls1764900000000 } from './migrations/1764900000000-tool-calls';
import { startToolServerProjection } from './projections/tool-server-projection.consumer';
import {
  ToolGrantProjection,
  ToolProjection,
  ToolServerProjection,
} from './projections/tool-server-projection.entity';
import { TaskRunner } from './runner/task-runner';
import { buildSchema } from './schema';
import { TaskEventStream } from './events/task-event-stream';
import { TaskArtifact } from './task/task-artifact.entity';
import { TaskEvent } from './events/task-event.entity';
import { TaskMessage } from './task/task-message.entity';
import { Task } from './task/task.entity';

/** Every table's description, for the subgraph and for the CLI's own DataSource. */
export const TASKS_ENTITIES = [
  AgentProjection,
  ToolServerProjection,
  ToolProjection,
  ToolGrantProjection,
  Task,
  TaskMessage,
  TaskArtifact,
  TaskEvent,
];

export const tasksSubgraph: SubgraphFactory<TaskServices, TasksContext> = (source) => {
  const env = loadTasksEnv(source);
  return {
    name: 'tasks',
    entities: TASKS_ENTITIES,
    migrations: [
      InitTasks1764500000000,
      TaskRunner1764600000000,
      TaskEventStream1764800000000,
      ToolCalls1764900000000,
    ],
    subscriptions: true,
    buildSchema,
    start: async (deps) => {
      const stopProjection = await startAgentProjection(deps);
      const stopToolProjection = await startToolServerProjection(deps);
      const queue = await startJobQueue(deps.env.DATABASE_URL, deps.log);
      registerRunnerMetrics(deps.metrics, deps.dataSource, queue);
      const cancels = new AgentCancels(env, deps.log);
      const runner = env.TASK_RUNNER
        ? new TaskRunner(deps.dataSource, queue, env, deps.log, cancels)
        : null;
      await runner?.start();
      const stream = new TaskEventStream(deps.dataSource, deps.env.DATABASE_URL, deps.log);
      await stream.start();
      return {
        services: {
          env,
          queue,
          runner,
          cancels,
          billing: createBillingClient(env.billingBase, deps.log),
          stream,
        },
        stop: async () => {
          await stream.stop();
          await runner?.stop();
          await cancels.stop();
          await queue.stop();
          await stopProjection();
          await stopToolProjection();
        },
      };
    },
    context: (base, services) => ({ ...base, services }),
  };
};
