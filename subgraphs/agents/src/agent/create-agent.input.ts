import { IsIn, IsOptional } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { AgentCapabilitiesInput } from './agent-capabilities.input';
import { AgentSkillInput } from './agent-skill.input';
import { AgentStatus } from './agent.entity';
import {
  CategoryRules,
  DescriptionRules,
  LIMITS,
  ModesRules,
  NameRules,
  PriceRules,
  SkillsRules,
  TagsRules,
  UrlRules,
  VersionRules,
} from './agent.rules';

@InputType({ description: 'An agent described by hand (registerAgent reads it from an A2A card).' })
export class CreateAgentInput {
  @Field({ description: `1-${LIMITS.name} characters; the slug is derived from it.` })
  @NameRules()
  name!: string;

  @Field({ nullable: true, description: `At most ${LIMITS.description} characters.` })
  @IsOptional()
  @DescriptionRules()
  description?: string;

  @Field({ description: "Base URL of the agent's A2A endpoint (http or https)." })
  @UrlRules()
  url!: string;

  @Field()
  @VersionRules()
  version!: string;

  @Field(() => [AgentSkillInput], { nullable: true, description: `At most ${LIMITS.skills}.` })
  @IsOptional()
  @SkillsRules()
  skills?: AgentSkillInput[];

  @Field(() => AgentCapabilitiesInput, { nullable: true })
  @IsOptional()
  capabilities?: AgentCapabilitiesInput;

  @Field(() => [String], { nullable: true, description: 'Default: ["text/plain"].' })
  @IsOptional()
  @ModesRules('defaultInputModes')
  defaultInputModes?: string[];

  @Field(() => [String], { nullable: true, description: 'Default: ["text/plain"].' })
  @IsOptional()
  @ModesRules('defaultOutputModes')
  defaultOutputModes?: string[];

  @Field({ description: 'A lowercase slug such as `research` or `developer-tools`.' })
  @CategoryRules()
  category!: string;

  @Field(() => [String], {
    nullable: true,
    description: `At most ${LIMITS.tags} lowercase slugs (a-z, 0-9, "-", up to 30 characters).`,
  })
  @IsOptional()
  @TagsRules()
  tags?: string[];

  @Field(() => Int, { description: `Credits per completed task, 0-${LIMITS.maxPrice}.` })
  @PriceRules()
  priceCredits!: number;

  @Field(() => AgentStatus, {
    nullable: true,
    description: 'PUBLISHED (default) or DRAFT.',
  })
  @IsOptional()
  @IsIn([AgentStatus.DRAFT, AgentStatus.PUBLISHED], {
    message: 'a new agent is PUBLISHED or DRAFT',
  })
  status?: AgentStatus;
}
