import type { SubgraphDefinition } from '@agentry/subgraph-kit';
import { AgentProjection } from './agent-projection.entity';
import { startAgentProjection } from './agent-projection.consumer';
import { InitTasks1764500000000 } from './migrations/1764500000000-init-tasks';
import { buildSchema } from './schema';
import { TaskArtifact } from './task-artifact.entity';
import { TaskEvent } from './task-event.entity';
import { TaskMessage } from './task-message.entity';
import { Task } from './task.entity';

export const tasksSubgraph = (): SubgraphDefinition => ({
  name: 'tasks',
  defaultPort: 4005,
  entities: [AgentProjection, Task, TaskMessage, TaskArtifact, TaskEvent],
  migrations: [InitTasks1764500000000],
  buildSchema,
  startWorkers: startAgentProjection,
});
