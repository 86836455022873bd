import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The users subgraph's User, only referenced (a task's requester); tasks adds no fields. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('User')
export class UserStub {
  @Field(() => ID)
  id!: string;
}
