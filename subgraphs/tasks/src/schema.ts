import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { AgentTasksResolver } from './agent-tasks.resolver';
import { agentReference } from './agent.ref';
import { TaskCommandsResolver } from './task-commands.resolver';
import { TaskEventResolver } from './task-event.resolver';
import { TaskSubscriptionResolver } from './task-subscription.resolver';
import { ToolCallResolver, ToolRef, toolReference } from './tool-call.resolver';
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
      TaskSubscriptionResolver,
      ToolCallResolver,
      AgentTasksResolver,
    ],
    // Tool is reached only through the agents subgraph; this one adds `stats` to it.
    orphanedTypes: [ToolRef],
    referenceResolvers: { Task: taskReference, Agent: agentReference, Tool: toolReference },
  });
