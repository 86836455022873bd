import { IsOptional } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { HttpUrlRules } from '../shared/url.rules';
import { TOOL_LIMITS, ToolPriceRules, ToolServerNameRules } from './tool-server.rules';

@InputType({
  description:
    'An MCP server (Streamable HTTP) to list: Agentry connects to it and catalogues its tools, resources, resource templates and prompts.',
})
export class RegisterToolServerInput {
  @Field({
    description: `The MCP endpoint, e.g. https://tools.example.com/mcp; http or https, at most ${TOOL_LIMITS.url} characters.`,
  })
  @HttpUrlRules('url')
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
