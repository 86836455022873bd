import { IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';

@ArgsType()
export class GrantCreditsArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'userId must be a user id' })
  userId!: string;

  @Field(() => Int, { description: '1 to 1,000,000 credits.' })
  @Min(1, { message: 'amount must be at least 1 credit' })
  @Max(1_000_000, { message: 'amount must be at most 1,000,000 credits' })
  amount!: number;

  @Field({ description: 'Why, for the ledger: 1 to 200 characters.' })
  @Length(1, 200, { message: 'reason must be 1 to 200 characters long' })
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}
