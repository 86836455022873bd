import { IsOptional } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import type { PageArgs } from '@agentry/subgraph-kit';
import { TaskState } from './task-state.type';

/**
 * The filter of task lists; the kit's PageArgs bring `first` and `after`. Resolvers take
 * `@Args() page: PageArgs, @Args() filter: TaskFilterArgs` in that order: parameter decorators
 * run last to first, so `state` stays ahead of `first` and `after` in the SDL, as in the public
 * contract's `myTasks(state, first, after)` (a subclass of PageArgs would put it last).
 */
@ArgsType()
export class TaskFilterArgs {
  @Field(() => TaskState, { nullable: true, description: 'Only tasks in this state.' })
  @IsOptional()
  state?: TaskState;
}

/** A page of a task list (newest first), maybe of one state only. */
export type TaskListArgs = PageArgs & TaskFilterArgs;
