import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { AgentTasksResolver } from './agent-tasks.resolver';
import { agentReference } from './agent.ref';
import { TaskEventResolver } from './task-event.resolver';
import { TaskMessageResolver } from './task-message.resolver';
import { TaskInput } from './task.input';
import { taskReference } from './task.reference';
import { TaskResolver } from './task.resolver';

export const buildSchema = () =>
  buildFederatedSchema({
    resolvers: [TaskResolver, TaskMessageResolver, TaskEventResolver, AgentTasksResolver],
    // TaskInput is the contract of sendTask/replyToTask (next); published now so clients can
    // prepare for it.
    orphanedTypes: [TaskInput],
    referenceResolvers: { Task: taskReference, Agent: agentReference },
  });
