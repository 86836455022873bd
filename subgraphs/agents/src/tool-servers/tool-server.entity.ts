import { GraphQLJSON } from 'graphql-scalars';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '@agentry/subgraph-kit';
import { UserStub } from '../federated/user/user.stub';

export enum ToolServerStatus {
  ONLINE = 'ONLINE',
  UNAVAILABLE = 'UNAVAILABLE',
}
registerEnumType(ToolServerStatus, {
  name: 'ToolServerStatus',
  description: 'UNAVAILABLE when the server did not answer at its last check; its catalogue stays.',
});

@ObjectType({ description: 'Hints an MCP server gives about a tool (not guarantees).' })
export class ToolAnnotations {
  @Field(() => String, { nullable: true })
  title?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'The tool does not change anything.' })
  readOnlyHint?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'The tool may destroy data.' })
  destructiveHint?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Calling it twice equals calling it once.' })
  idempotentHint?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'The tool reaches outside systems.' })
  openWorldHint?: boolean | null;
}

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

@ObjectType({ description: "A user's access to a tool server's tools." })
export class ToolGrant {
  @Field(() => UserStub)
  user!: UserStub;
  @Field(() => [String], { nullable: true, description: 'Tool names; null: every tool.' })
  tools!: string[] | null;
  @Field()
  createdAt!: Date;
}

/**
 * A tool of an MCP server. An entity (id `<serverId>:<name>`) so that the tasks subgraph can add
 * what it knows of calls to it.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A tool of an MCP tool server, callable with callTool.' })
export class Tool {
  @Field(() => ID, { description: '`<serverId>:<name>`.' })
  id!: string;

  /** The server; exposed as `server`. */
  serverId!: string;

  @Field({ description: 'The name callTool takes.' })
  name!: string;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field()
  description!: string;

  @Field(() => GraphQLJSON, { description: 'JSON Schema of the arguments.' })
  inputSchema!: Record<string, unknown>;

  @Field(() => GraphQLJSON, { nullable: true, description: 'JSON Schema of structured results.' })
  outputSchema!: Record<string, unknown> | null;

  @Field(() => ToolAnnotations, { nullable: true })
  annotations!: ToolAnnotations | null;

  @Field(() => Int, { description: 'Credits charged per call.' })
  priceCredits!: number;
}

/**
 * An MCP server listed on the marketplace. Fields that depend on who asks (url, tools, resources,
 * prompts, grants) are resolved in ToolServerResolver.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'An MCP tool server (Streamable HTTP) listed on the marketplace.' })
export class ToolServer {
  @Field(() => ID)
  id!: string;

  @Field({ description: "The listing's name, chosen by its owner." })
  name!: string;

  /** The MCP endpoint; exposed to the owner and admins only. */
  url!: string;

  /** The owner; exposed as `owner`. */
  ownerId!: string;

  @Field(() => Boolean, {
    description: 'Every signed-in user may call its tools; otherwise only those granted.',
  })
  public!: boolean;

  @Field(() => Int, {
    description: 'The per-call price a tool gets when the server first lists it.',
  })
  priceCredits!: number;

  @Field(() => ToolServerStatus)
  status!: ToolServerStatus;

  @Field(() => String, { nullable: true, description: 'The name the server gives itself.' })
  serverName!: string | null;

  @Field(() => String, { nullable: true })
  serverVersion!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'How to use the server, as it says itself.',
  })
  instructions!: string | null;

  resources!: ToolResource[];
  resourceTemplates!: ToolResourceTemplate[];
  prompts!: ToolPrompt[];

  @Field(() => Date, { nullable: true, description: 'When the server last answered.' })
  lastSeenAt!: Date | null;

  /** When the server was last described, whatever came of it. */
  checkedAt!: Date | null;

  /** Why the last check failed. Not public: it may name internal hosts. */
  checkError!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export const ToolServerConnection = Connection('ToolServer', ToolServer);
