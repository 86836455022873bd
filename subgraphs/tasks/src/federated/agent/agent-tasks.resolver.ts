import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '@agentry/subgraph-kit';
import { AgentStub } from './agent.stub';
import { TaskListArgs } from '../../task/task-list.args';
import { TaskConnection } from '../../task/task-connection.type';
import { agentTasksLoader } from '../../task/task-list.store';

@Resolver(() => AgentStub)
export class AgentTasksResolver {
  @FieldResolver(() => TaskConnection, {
    description:
      "The agent's tasks, newest first: all of them for its provider and admins, your own for anyone else, none when anonymous.",
  })
  tasks(@Root() agent: AgentStub, @Args() args: TaskListArgs, @Ctx() ctx: SubgraphContext) {
    return agentTasksLoader(ctx, args).load(agent.id);
  }
}
