import { IsOptional, MaxLength } from 'class-validator';
import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class AgentLookupArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  id?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  slug?: string;
}
