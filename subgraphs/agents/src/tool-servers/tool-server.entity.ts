import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '@agentry/subgraph-kit';
import type { ToolPrompt, ToolResource, ToolResourceTemplate } from './catalogue.type';

export enum ToolServerStatus {
  ONLINE = 'ONLINE',
  UNAVAILABLE = 'UNAVAILABLE',
}
registerEnumType(ToolServerStatus, {
  name: 'ToolServerStatus',
  description: 'UNAVAILABLE when the server did not answer at its last check; its catalogue stays.',
});

/**
 * An MCP server listed on the marketplace. Fields that depend on who asks (url, tools, resources,
 * prompts, grants) are resolved in ToolServerResolver.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'An MCP tool server (Streamable HTTP) listed on the marketplace.' })
@Entity({ name: 'tool_servers' })
export class ToolServer {
  @Field(() => ID)
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id!: string;

  @Field({ description: "The listing's name, chosen by its owner." })
  @Column({ type: 'text' })
  name!: string;

  /** The normalised MCP endpoint, one listing each; exposed to the owner and admins only. */
  @Index('tool_servers_url_key', { unique: true })
  @Column({ type: 'text' })
  url!: string;

  /** The owner; exposed as `owner`. */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Field(() => Boolean, {
    description: 'Every signed-in user may call its tools; otherwise only those granted.',
  })
  @Column({ type: 'boolean' })
  public!: boolean;

  @Field(() => Int, {
    description: 'The per-call price a tool gets when the server first lists it.',
  })
  @Column({ name: 'price_credits', type: 'integer' })
  priceCredits!: number;

  @Field(() => ToolServerStatus)
  @Column({ type: 'text' })
  status!: ToolServerStatus;

  @Field(() => String, { nullable: true, description: 'The name the server gives itself.' })
  @Column({ name: 'server_name', type: 'text', nullable: true })
  serverName!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'server_version', type: 'text', nullable: true })
  serverVersion!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'How to use the server, as it says itself.',
  })
  @Column({ type: 'text', nullable: true })
  instructions!: string | null;

  @Column({ type: 'jsonb' })
  resources!: ToolResource[];

  @Column({ name: 'resource_templates', type: 'jsonb' })
  resourceTemplates!: ToolResourceTemplate[];

  @Column({ type: 'jsonb' })
  prompts!: ToolPrompt[];

  @Field(() => Date, { nullable: true, description: 'When the server last answered.' })
  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  /** When the server was last described, whatever came of it. */
  @Column({ name: 'checked_at', type: 'timestamptz', nullable: true })
  checkedAt!: Date | null;

  /** Why the last check failed. Not public: it may name internal hosts. */
  @Column({ name: 'check_error', type: 'text', nullable: true })
  checkError!: string | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

export const ToolServerConnection = Connection('ToolServer', ToolServer);
