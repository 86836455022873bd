import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The users subgraph's User, to which billing adds `wallet`. */
@Directive('@key(fields: "id")')
@ObjectType('User')
export class UserStub {
  @Field(() => ID)
  id!: string;
}
