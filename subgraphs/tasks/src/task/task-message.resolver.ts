import { FieldResolver, Resolver, Root } from 'type-graphql';
import { partsText } from './part.type';
import { TaskMessage } from './task-message.entity';

@Resolver(() => TaskMessage)
export class TaskMessageResolver {
  @FieldResolver(() => String, { description: 'The text parts, joined by new lines.' })
  text(@Root() message: TaskMessage): string {
    return partsText(message.parts);
  }
}
