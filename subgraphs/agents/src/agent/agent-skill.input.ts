import { ArrayMaxSize, IsOptional, Length, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { LIMITS } from './agent.rules';

@InputType()
export class AgentSkillInput {
  @Field()
  @Length(1, LIMITS.skillId, { message: `skill id must be 1 to ${LIMITS.skillId} characters` })
  id!: string;

  @Field()
  @Length(1, LIMITS.skillName, {
    message: `skill name must be 1 to ${LIMITS.skillName} characters`,
  })
  name!: string;

  @Field({ nullable: true, defaultValue: '' })
  @IsOptional()
  @MaxLength(LIMITS.skillDescription)
  description?: string;

  @Field(() => [String], { nullable: true, defaultValue: [] })
  @IsOptional()
  @ArrayMaxSize(LIMITS.skillTags)
  @Length(1, LIMITS.skillTag, { each: true })
  tags?: string[];

  @Field(() => [String], { nullable: true, defaultValue: [] })
  @IsOptional()
  @ArrayMaxSize(LIMITS.skillExamples)
  @Length(1, LIMITS.skillExample, { each: true })
  examples?: string[];
}
