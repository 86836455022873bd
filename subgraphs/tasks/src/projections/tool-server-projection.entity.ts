import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/*
 * The agents subgraph's tool servers as this subgraph needs them to authorize and price
 * `callTool`: each server with its tools and grants, replaced as a whole by every
 * `tool_server.updated` (which carries the full snapshot). Never exposed as such.
 */

@Entity({ name: 'tool_servers' })
export class ToolServerProjection {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'boolean' })
  public!: boolean;

  @Column({ type: 'text' })
  status!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ name: 'tools' })
export class ToolProjection {
  @PrimaryColumn({ name: 'server_id', type: 'uuid' })
  serverId!: string;

  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ name: 'input_schema', type: 'jsonb' })
  inputSchema!: Record<string, unknown>;

  @Column({ name: 'price_credits', type: 'int' })
  priceCredits!: number;
}

@Entity({ name: 'tool_grants' })
export class ToolGrantProjection {
  @PrimaryColumn({ name: 'server_id', type: 'uuid' })
  serverId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** The tools the grant covers; null: all of the server's tools. */
  @Column({ type: 'text', array: true, nullable: true })
  tools!: string[] | null;
}
