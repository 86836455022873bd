import { IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { AgentCapabilitiesInput } from './agent-capabilities.input';
import { AgentSkillInput } from './agent-skill.input';
import { AgentStatus } from './agent.entity';
import {
  CategoryRules,
  DescriptionRules,
  ModesRules,
  NameRules,
  PriceRules,
  SkillsRules,
  TagsRules,
  UrlRules,
  VersionRules,
} from './agent.rules';

/** Every field optional; an omitted or null field keeps its value. The slug never changes. */
@InputType()
export class UpdateAgentInput {
  @Field({ nullable: true })
  @IsOptional()
  @NameRules()
  name?: string;

  @Field({ nullable: true })
  @IsOptional()
  @DescriptionRules()
  description?: string;

  @Field({ nullable: true })
  @IsOptional()
  @UrlRules()
  url?: string;

  @Field({ nullable: true })
  @IsOptional()
  @VersionRules()
  version?: string;

  @Field(() => [AgentSkillInput], { nullable: true })
  @IsOptional()
  @SkillsRules()
  skills?: AgentSkillInput[];

  @Field(() => AgentCapabilitiesInput, { nullable: true })
  @IsOptional()
  capabilities?: AgentCapabilitiesInput;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ModesRules('defaultInputModes')
  defaultInputModes?: string[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ModesRules('defaultOutputModes')
  defaultOutputModes?: string[];

  @Field({ nullable: true })
  @IsOptional()
  @CategoryRules()
  category?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @TagsRules()
  tags?: string[];

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @PriceRules()
  priceCredits?: number;

  @Field(() => AgentStatus, {
    nullable: true,
    description:
      'The provider may switch between DRAFT and PUBLISHED; only an admin sets or lifts SUSPENDED.',
  })
  @IsOptional()
  status?: AgentStatus;
}

@ArgsType()
export class UpdateAgentArgs {
  @Field(() => ID)
  @MaxLength(100)
  id!: string;

  @Field(() => UpdateAgentInput)
  @ValidateNested()
  input!: UpdateAgentInput;
}
