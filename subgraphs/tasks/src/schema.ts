import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { AgentTasksResolver } from './agent-tasks.resolver';
import { agentReference } from './agent.ref';
import { TaskCommandsResolver } from './task-commands.resolver';
import { TaskEventResolver } from './task-event.resolver';
import { TaskMessageResolver } from './task-message.resolver';
import { taskReference } from './task.reference';
import { TaskResolver } from './task.resolver';

export const buildSchema = () =>
  buildFederatedSchema({
    resolvers: [
      TaskResolver,
      TaskCommandsResolver,
      TaskMessageResolver,
      TaskEventResolver,
      AgentTasksResolver,
    ],
    referenceResolvers: { Task: taskReference, Agent: agentReference },
  });
