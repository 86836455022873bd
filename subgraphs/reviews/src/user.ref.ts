import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The users subgraph's User, extended here with the reviews they wrote. */
@Directive('@key(fields: "id")')
@ObjectType('User')
export class UserRef {
  @Field(() => ID)
  id!: string;
}

export const userReference = {
  __resolveReference: (ref: { id: string }): UserRef => ({ id: ref.id }),
};
