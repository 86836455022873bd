import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { isUuid } from '@agentry/subgraph-kit';

/** The tasks subgraph's Task, to which billing adds `cost`. */
@Directive('@key(fields: "id")')
@ObjectType('Task')
export class TaskRef {
  @Field(() => ID)
  id!: string;
}

export const taskReference = {
  __resolveReference: (ref: { id: string }) =>
    isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null,
};
