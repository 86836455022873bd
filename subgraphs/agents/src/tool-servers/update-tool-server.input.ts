import { ArrayMaxSize, IsOptional, Length, MaxLength, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ToolPriceRules, ToolServerNameRules } from './register-tool-server.input';
import { TOOL_LIMITS } from './tool-server.rules';

@InputType({ description: 'The per-call price of one tool.' })
export class ToolPriceInput {
  @Field()
  @Length(1, TOOL_LIMITS.toolName)
  name!: string;

  @Field(() => Int)
  @ToolPriceRules()
  priceCredits!: number;
}

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
