import { Field, ObjectType } from 'type-graphql';
import { AgentCapabilities, AgentSkill } from '../agent/agent.entity';

@ObjectType({
  description: 'What an A2A agent card says, read live before registering it (nothing is saved).',
})
export class AgentCardPreview {
  @Field()
  cardUrl!: string;
  @Field()
  name!: string;
  @Field()
  description!: string;
  @Field({ description: "The agent's A2A endpoint, as the card names it." })
  url!: string;
  @Field()
  version!: string;
  @Field(() => String, { nullable: true, description: "The card's provider organization." })
  providerName!: string | null;
  @Field(() => [AgentSkill])
  skills!: AgentSkill[];
  @Field(() => AgentCapabilities)
  capabilities!: AgentCapabilities;
  @Field(() => [String])
  defaultInputModes!: string[];
  @Field(() => [String])
  defaultOutputModes!: string[];
}
