import { IsBoolean, IsEnum, IsOptional, Matches, MaxLength } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { PageArgs } from '@agentry/subgraph-kit';
import { AgentSort } from './agent-sort.type';
import { CATEGORY_PATTERN, LIMITS, TAG_PATTERN } from './agent.rules';

@ArgsType()
export class AgentsArgs extends PageArgs {
  @Field(() => String, {
    nullable: true,
    description:
      'Full-text search over names, tags, skills and descriptions (web-search syntax: "quotes", -not, or).',
  })
  @IsOptional()
  @MaxLength(LIMITS.search, { message: `search must be at most ${LIMITS.search} characters` })
  search?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(CATEGORY_PATTERN, { message: 'category must be a lowercase slug' })
  category?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(TAG_PATTERN, { message: 'tag must be a lowercase slug' })
  tag?: string;

  @Field(() => AgentSort, {
    nullable: true,
    description: 'Default: RELEVANCE when searching, else NEWEST.',
  })
  @IsOptional()
  @IsEnum(AgentSort)
  sort?: AgentSort;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description:
      'Whether to list agents whose card stopped answering at the last check (`available: false`). Default true: they are listed, after every available agent, in every sort order. false leaves them out.',
  })
  @IsOptional()
  @IsBoolean()
  includeUnavailable?: boolean;
}
