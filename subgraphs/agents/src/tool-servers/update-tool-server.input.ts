import { ArrayMaxSize, IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ToolPriceInput } from './tool-price.input';
import { TOOL_LIMITS, ToolPriceRules, ToolServerNameRules } from './tool-server.rules';

/** Every field optional; an omitted or null field keeps its value. */
@InputType()
export class UpdateToolServerInput {
  @Field({ nullable: true })
  @IsOptional()
  @ToolServerNameRules()
  name?: string;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  public?: boolean;

  @Field(() => Int, {
    nullable: true,
    description:
      'Sets the price of every tool (and of tools the server adds later); toolPrices then overrides single tools.',
  })
  @IsOptional()
  @ToolPriceRules()
  priceCredits?: number;

  @Field(() => [ToolPriceInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(TOOL_LIMITS.names, { message: `at most ${TOOL_LIMITS.names} tool prices` })
  @ValidateNested({ each: true })
  toolPrices?: ToolPriceInput[];
}

@ArgsType()
export class UpdateToolServerArgs {
  @Field(() => ID)
  @MaxLength(100)
  id!: string;

  @Field(() => UpdateToolServerInput)
  @ValidateNested()
  input!: UpdateToolServerInput;
}
