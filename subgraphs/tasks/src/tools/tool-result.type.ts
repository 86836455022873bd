import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

export enum ToolContentKind {
  TEXT = 'TEXT',
  IMAGE = 'IMAGE',
  AUDIO = 'AUDIO',
  RESOURCE = 'RESOURCE',
  RESOURCE_LINK = 'RESOURCE_LINK',
}
registerEnumType(ToolContentKind, {
  name: 'ToolContentKind',
  description: 'What a piece of MCP content is.',
});

@ObjectType({ description: 'One piece of what a tool returned (MCP content).' })
export class ToolContentItem {
  @Field(() => ToolContentKind)
  kind!: ToolContentKind;
  @Field(() => String, { nullable: true })
  text?: string;
  @Field(() => String, { nullable: true, description: 'Base64, for images and audio.' })
  data?: string;
  @Field(() => String, { nullable: true })
  mimeType?: string;
  @Field(() => String, { nullable: true })
  uri?: string;
  @Field(() => String, { nullable: true })
  name?: string;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'An embedded resource: {uri, mimeType, text | blob}.',
  })
  resource?: unknown;
}

@ObjectType({ description: 'The result of one MCP tool call.' })
export class ToolResult {
  @Field(() => ID, { description: 'The recorded invocation.' })
  invocationId!: string;
  @Field({ description: 'The tool ran but reported an error (MCP `isError`); nothing is charged.' })
  isError!: boolean;
  @Field(() => [ToolContentItem])
  content!: ToolContentItem[];
  @Field(() => GraphQLJSON, { nullable: true })
  structuredContent?: unknown;
  @Field(() => Int)
  durationMs!: number;
  @Field(() => Int, { description: 'Credits charged for this call.' })
  costCredits!: number;
}
