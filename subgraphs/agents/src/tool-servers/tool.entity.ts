import { GraphQLJSON } from 'graphql-scalars';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

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

/** Tool ids are `<serverId>:<name>`; a uuid has no colon, so the first one splits. */
const toolId = (serverId: string, name: string) => `${serverId}:${name}`;

export function parseToolId(id: string): { serverId: string; name: string } | null {
  const at = id.indexOf(':');
  if (at < 0) return null;
  return { serverId: id.slice(0, at), name: id.slice(at + 1) };
}

/**
 * A tool of an MCP server, as it last described it, with the price its owner set. An entity
 * (id `<serverId>:<name>`) so that the tasks subgraph can add what it knows of calls to it.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A tool of an MCP tool server, callable with callTool.' })
@Entity({ name: 'tools' })
export class Tool {
  @Field(() => ID, { description: '`<serverId>:<name>`.' })
  get id(): string {
    return toolId(this.serverId, this.name);
  }

  /** The server; exposed as `server`. */
  @PrimaryColumn({ name: 'server_id', type: 'uuid' })
  serverId!: string;

  @Field({ description: 'The name callTool takes.' })
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  title!: string | null;

  @Field()
  @Column({ type: 'text' })
  description!: string;

  @Field(() => GraphQLJSON, { description: 'JSON Schema of the arguments.' })
  @Column({ name: 'input_schema', type: 'jsonb' })
  inputSchema!: Record<string, unknown>;

  @Field(() => GraphQLJSON, { nullable: true, description: 'JSON Schema of structured results.' })
  @Column({ name: 'output_schema', type: 'jsonb', nullable: true })
  outputSchema!: Record<string, unknown> | null;

  @Field(() => ToolAnnotations, { nullable: true })
  @Column({ type: 'jsonb', nullable: true })
  annotations!: ToolAnnotations | null;

  @Field(() => Int, { description: 'Credits charged per call.' })
  @Column({ name: 'price_credits', type: 'integer' })
  priceCredits!: number;
}
