import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, MaxLength } from 'class-validator';
import { ArgsType, Field, ID } from 'type-graphql';
import { TOOL_LIMITS } from './tool-server.rules';

@ArgsType()
export class ToolAccessArgs {
  @Field(() => ID)
  @MaxLength(100)
  serverId!: string;

  @Field(() => ID, { description: 'The user who gets (or loses) access.' })
  @MaxLength(100)
  userId!: string;

  @Field(() => [String], {
    nullable: true,
    description: 'Tool names; omitted or null: every tool of the server.',
  })
  @IsOptional()
  @ArrayMinSize(1, { message: 'tools must name at least one tool; omit it for every tool' })
  @ArrayMaxSize(TOOL_LIMITS.names, { message: `tools may name at most ${TOOL_LIMITS.names} tools` })
  @Length(1, TOOL_LIMITS.toolName, { each: true })
  tools?: string[] | null;
}
