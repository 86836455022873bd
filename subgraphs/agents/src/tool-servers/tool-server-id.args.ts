import { MaxLength } from 'class-validator';
import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class ToolServerIdArgs {
  @Field(() => ID)
  @MaxLength(100)
  id!: string;
}
