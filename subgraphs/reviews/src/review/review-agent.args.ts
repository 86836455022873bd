import { IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';

@ArgsType()
export class ReviewAgentArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'agentId must be an agent id' })
  agentId!: string;

  @Field(() => Int, { description: '1 to 5 stars.' })
  @Min(1, { message: 'rating must be 1 to 5' })
  @Max(5, { message: 'rating must be 1 to 5' })
  rating!: number;

  @Field(() => String, { description: '1 to 120 characters, not blank.' })
  @Length(1, 120, { message: 'title must be 1 to 120 characters long' })
  @Matches(/\S/, { message: 'title must not be blank' })
  title!: string;

  @Field(() => String, { description: 'Up to 5000 characters; may be empty.' })
  @MaxLength(5000, { message: 'body must be at most 5000 characters long' })
  body!: string;
}
