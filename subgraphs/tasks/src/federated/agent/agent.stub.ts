import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The agents subgraph's Agent, extended here with its tasks. */
@Directive('@key(fields: "id")')
@ObjectType('Agent')
export class AgentRef {
  @Field(() => ID)
  id!: string;
}

export const agentReference = {
  __resolveReference: (ref: { id: string }): AgentRef => ({ id: ref.id }),
};
