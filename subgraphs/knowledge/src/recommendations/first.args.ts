import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';

/** How many suggestions to return: 1 to 50, default 10. */
@ArgsType()
export class FirstArgs {
  @Field(() => Int, { nullable: true, description: 'How many to return (1 to 50, default 10).' })
  @IsOptional()
  @Min(1)
  @Max(50)
  first?: number | null;
}
