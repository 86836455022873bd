import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, Scope, type SubgraphContext } from '@agentry/subgraph-kit';
import { TaskFilterArgs } from '../../task/task-list.args';
import { TaskConnection } from '../../task/task-connection.type';
import { agentTasksLoader } from '../../task/task.loader';
import { AgentStub } from './agent.stub';

@Resolver(() => AgentStub)
export class AgentTasksResolver {
  @Scope('tasks:read')
  @FieldResolver(() => TaskConnection, {
    nullable: true,
    description:
      "The agent's tasks, newest first: all of them for its provider and admins, your own for anyone else, none when anonymous. Null when the tasks subgraph cannot answer right now (an error says so).",
  })
  tasks(
    @Root() agent: AgentStub,
    @Args() page: PageArgs,
    @Args() filter: TaskFilterArgs,
    @Ctx() ctx: SubgraphContext,
  ) {
    return agentTasksLoader(ctx, { ...page, ...filter }).load(agent.id);
  }
}
