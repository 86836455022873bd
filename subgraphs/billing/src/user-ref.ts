import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { isUuid } from '@agentry/subgraph-kit';

/** The users subgraph's User, to which billing adds `wallet`. */
@Directive('@key(fields: "id")')
@ObjectType('User')
export class UserRef {
  @Field(() => ID)
  id!: string;
}

export const userReference = {
  // A malformed id can name no user; null instead of a database error.
  __resolveReference: (ref: { id: string }) =>
    isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null,
};
