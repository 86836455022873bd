import { Directive, Field, Float, ObjectType } from 'type-graphql';
import { AgentStub } from '../federated/agent/agent.stub';

/** An agent suggested to someone, how strongly, and why (shared with routing). */
@Directive('@shareable')
@ObjectType({ description: 'An agent suggested for a purpose, with a score and the reasons.' })
export class AgentRecommendation {
  @Field(() => AgentStub, { description: 'The agent suggested.' })
  agent!: AgentStub;

  @Field(() => Float, {
    description: 'How strong the suggestion is, from 0 (weak) to 1 (strong); sorts the list.',
  })
  score!: number;

  @Field(() => [String], {
    description: 'Why it is suggested, for people (e.g. "3 shared skills: a, b, c").',
  })
  reasons!: string[];
}
