import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
import { TaskState } from './task-state.type';

/** `state`, `first`, `after` of task lists (newest first). */
@ArgsType()
export class TaskListArgs {
  @Field(() => TaskState, { nullable: true, description: 'Only tasks in this state.' })
  @IsOptional()
  state?: TaskState;

  @Field(() => Int, { nullable: true, description: 'Page size, 1-100 (default 20).' })
  @IsOptional()
  @Min(1)
  @Max(100)
  first?: number;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last item of the previous page.',
  })
  @IsOptional()
  after?: string;
}
