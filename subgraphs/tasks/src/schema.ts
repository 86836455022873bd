import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { AgentTasksResolver } from './federated/agent/agent-tasks.resolver';
import { agentReference } from './federated/agent/agent.reference';
import { TaskCommandsResolver } from './task/task-commands.resolver';
import { TaskEventResolver } from './events/task-event.resolver';
import { TaskSubscriptionResolver } from './events/task-subscription.resolver';
import { ToolCallResolver } from './tools/tool-call.resolver';
import { ResourceResolver } from './tools/resource.resolver';
import { ToolTasksResolver } from './federated/tool/tool-tasks.resolver';
import { ToolStub } from './federated/tool/tool.stub';
import { toolReference } from './federated/tool/tool.reference';
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
      ResourceResolver,
      ToolTasksResolver,
      AgentTasksResolver,
    ],
    // Tool is reached only through the agents subgraph; this one adds `stats` to it.
    orphanedTypes: [ToolStub],
    referenceResolvers: { Task: taskReference, Agent: agentReference, Tool: toolReference },
    // What a requester writes to an agent is prose; tool names, URIs and files are one line.
    textRules: { 'TaskInput.text': 'prose' },
  });
