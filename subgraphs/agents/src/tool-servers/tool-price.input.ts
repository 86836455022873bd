import { Length } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { TOOL_LIMITS, ToolPriceRules } from './tool-server.rules';

@InputType({ description: 'The per-call price of one tool.' })
export class ToolPriceInput {
  @Field()
  @Length(1, TOOL_LIMITS.toolName)
  name!: string;

  @Field(() => Int)
  @ToolPriceRules()
  priceCredits!: number;
}
