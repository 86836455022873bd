import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { badInput } from '@agentry/core';
import type { SubgraphContext } from '@agentry/subgraph-kit';
import { toolStatsLoader } from '../../tools/tool-stats.loader';
import { ToolStats } from '../../tools/tool-stats.type';
import { ToolStub } from './tool.stub';

@Resolver(() => ToolStub)
export class ToolTasksResolver {
  @FieldResolver(() => ToolStats, {
    nullable: true,
    description:
      'Calls, errors and latency of this tool over a window (default 24 h). Null when the tasks subgraph cannot answer right now (an error says so).',
  })
  stats(
    @Root() tool: ToolStub,
    @Arg('windowMinutes', () => Int, { defaultValue: 1440 }) windowMinutes: number,
    @Ctx() ctx: SubgraphContext,
  ) {
    if (!Number.isSafeInteger(windowMinutes) || windowMinutes < 1 || windowMinutes > 60 * 24 * 90)
      throw badInput('windowMinutes must be 1 to 129600.', { argument: 'windowMinutes' });
    return toolStatsLoader(ctx, windowMinutes).load(tool.id);
  }
}
