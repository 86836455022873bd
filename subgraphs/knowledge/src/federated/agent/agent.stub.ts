import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The agents subgraph's Agent, extended here with what the knowledge graph knows of it. */
@Directive('@key(fields: "id")')
@ObjectType('Agent')
export class AgentStub {
  @Field(() => ID)
  id!: string;
}
