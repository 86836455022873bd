import {
  IsInt,
  IsOptional,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { isHttpUrl } from '../shared/url.rules';
import { TOOL_LIMITS } from './tool-server.rules';

/** Applies several property decorators as one. */
const all =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const d of decorators) d(target, key);
  };

export const ToolServerNameRules = () =>
  all(
    Length(1, TOOL_LIMITS.name, {
      message: `name must be 1 to ${TOOL_LIMITS.name} characters long`,
    }),
    Matches(/\S/, { message: 'name must not be blank' }),
  );

export const ToolPriceRules = (field = 'priceCredits') =>
  all(
    IsInt(),
    Min(0, { message: `${field} must not be negative` }),
    Max(TOOL_LIMITS.maxPrice, { message: `${field} must be at most ${TOOL_LIMITS.maxPrice}` }),
  );

@InputType({
  description:
    'An MCP server (Streamable HTTP) to list: Agentry connects to it and catalogues its tools, resources, resource templates and prompts.',
})
export class RegisterToolServerInput {
  @Field({
    description: `The MCP endpoint, e.g. https://tools.example.com/mcp; http or https, at most ${TOOL_LIMITS.url} characters.`,
  })
  @ValidateBy(
    { name: 'isHttpUrl', validator: { validate: isHttpUrl } },
    {
      message: `url must be an absolute http:// or https:// URL without credentials, at most ${TOOL_LIMITS.url} characters`,
    },
  )
  url!: string;

  @Field({ description: `The listing's name, 1-${TOOL_LIMITS.name} characters.` })
  @ToolServerNameRules()
  name!: string;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Let every signed-in user call its tools (default false: only you and those you grant).',
  })
  @IsOptional()
  public?: boolean;

  @Field(() => Int, {
    nullable: true,
    description: `Credits per call of every tool, 0-${TOOL_LIMITS.maxPrice} (default 0); also the price of tools the server adds later.`,
  })
  @IsOptional()
  @ToolPriceRules()
  priceCredits?: number;
}

@ArgsType()
export class ToolServerIdArgs {
  @Field(() => ID)
  @MaxLength(100)
  id!: string;
}
