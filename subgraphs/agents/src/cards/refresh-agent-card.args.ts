import { MaxLength } from 'class-validator';
import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class RefreshAgentCardArgs {
  @Field(() => ID)
  @MaxLength(100)
  id!: string;
}
