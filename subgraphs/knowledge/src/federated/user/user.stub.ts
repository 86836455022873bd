import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The users subgraph's User, extended here with recommendations for the signed-in user. */
@Directive('@key(fields: "id")')
@ObjectType('User')
export class UserStub {
  @Field(() => ID)
  id!: string;
}
