import { IsOptional, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class SkillsArgs {
  @Field(() => String, {
    nullable: true,
    description:
      'Only skills whose name contains this text (case-insensitive, up to 100 characters).',
  })
  @IsOptional()
  @MaxLength(100)
  search?: string | null;

  @Field(() => Int, { nullable: true, description: 'How many skills (1 to 100, default 20).' })
  @IsOptional()
  @Min(1)
  @Max(100)
  first?: number | null;
}

/** A page size for a skill's lists: 1 to 50, default 10. */
@ArgsType()
export class SkillListArgs {
  @Field(() => Int, { nullable: true, description: 'How many to return (1 to 50, default 10).' })
  @IsOptional()
  @Min(1)
  @Max(50)
  first?: number | null;
}
