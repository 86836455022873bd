import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { AgentTasksResolver } from './federated/agent/agent-tasks.resolver';
import { agentReference } from './federated/agent/agent.stub';
import { TaskCommandsResolver } from './task/task-commands.resolver';
import { TaskEventResolver } from './events/task-event.resolver';
import { TaskSubscriptionResolver } from './events/task-subscription.resolver';
import { ToolCallResolver, ToolRef, toolReference } from './tools/tool-call.resolver';
import { TaskMessageResolver } from './task/task-message.resolver';
import { taskReference } from './task/task.reference';
import { TaskResolver } from './task/task.resolver';

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
