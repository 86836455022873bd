import { Field, ObjectType } from 'type-graphql';

/*
 * What an MCP server lists besides its tools, stored as it said so (jsonb on agents.tool_servers)
 * and shown to those who may call at least one of its tools.
 */

@ObjectType({ description: 'A resource an MCP server exposes (read with resources/read).' })
export class ToolResource {
  @Field()
  uri!: string;
  @Field()
  name!: string;
  @Field(() => String, { nullable: true })
  title?: string | null;
  @Field(() => String, { nullable: true })
  description?: string | null;
  @Field(() => String, { nullable: true })
  mimeType?: string | null;
}

@ObjectType({ description: 'A family of resources addressed by an RFC 6570 URI template.' })
export class ToolResourceTemplate {
  @Field()
  uriTemplate!: string;
  @Field()
  name!: string;
  @Field(() => String, { nullable: true })
  description?: string | null;
  @Field(() => String, { nullable: true })
  mimeType?: string | null;
}

@ObjectType()
export class ToolPromptArgument {
  @Field()
  name!: string;
  @Field(() => String, { nullable: true })
  description?: string | null;
  @Field()
  required!: boolean;
}

@ObjectType({ description: 'A prompt template an MCP server offers.' })
export class ToolPrompt {
  @Field()
  name!: string;
  @Field(() => String, { nullable: true })
  description?: string | null;
  @Field(() => [ToolPromptArgument])
  arguments!: ToolPromptArgument[];
}
