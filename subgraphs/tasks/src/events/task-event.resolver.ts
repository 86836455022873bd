import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { encodeCursor, type SubgraphContext } from '@agentry/subgraph-kit';
import { eventCursorKey } from './event-cursor';
import { TaskArtifact } from '../task/task-artifact.entity';
import { TaskEvent } from './task-event.entity';
import { TaskMessage } from '../task/task-message.entity';
import { Task } from '../task/task.entity';
import { artifactLoader, messageLoader, taskLoader } from '../task/task.loader';

@Resolver(() => TaskEvent)
export class TaskEventResolver {
  @FieldResolver(() => String, {
    description: 'Pass as `after` to continue after this event (events, subscriptions).',
  })
  cursor(@Root() event: TaskEvent): string {
    return encodeCursor(eventCursorKey(event));
  }

  @FieldResolver(() => TaskMessage, {
    nullable: true,
    description: 'The message this event added.',
  })
  message(@Root() event: TaskEvent, @Ctx() ctx: SubgraphContext) {
    return event.messageId ? messageLoader(ctx).load(event.messageId) : null;
  }

  @FieldResolver(() => TaskArtifact, {
    nullable: true,
    description: 'The artifact this event created or extended, as it is now.',
  })
  artifact(@Root() event: TaskEvent, @Ctx() ctx: SubgraphContext) {
    return event.artifactRowId ? artifactLoader(ctx).load(event.artifactRowId) : null;
  }

  /** Events are only reached through a task the caller may see, so no second check here. */
  @FieldResolver(() => Task)
  async task(@Root() event: TaskEvent, @Ctx() ctx: SubgraphContext) {
    return taskLoader(ctx).load(event.taskId);
  }
}
