import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The tasks subgraph's Task, to which billing adds `cost`. */
@Directive('@key(fields: "id")')
@ObjectType('Task')
export class TaskStub {
  @Field(() => ID)
  id!: string;
}
