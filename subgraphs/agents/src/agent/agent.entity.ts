import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '@agentry/subgraph-kit';

export enum AgentStatus {
  DRAFT = 'DRAFT',
  PUBLISHED = 'PUBLISHED',
  SUSPENDED = 'SUSPENDED',
}
registerEnumType(AgentStatus, {
  name: 'AgentStatus',
  description:
    'Only PUBLISHED agents are listed; DRAFT and SUSPENDED ones are seen by their provider and admins.',
});

@ObjectType({ description: 'One thing an agent can do, as its A2A agent card describes it.' })
export class AgentSkill {
  @Field()
  id!: string;
  @Field()
  name!: string;
  @Field()
  description!: string;
  @Field(() => [String])
  tags!: string[];
  @Field(() => [String], { description: 'Example prompts.' })
  examples!: string[];
}

@ObjectType({ description: 'Optional A2A protocol features the agent supports.' })
export class AgentCapabilities {
  @Field()
  streaming!: boolean;
  @Field()
  pushNotifications!: boolean;
  @Field()
  stateTransitionHistory!: boolean;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'An AI agent published on the marketplace, reachable over A2A.' })
@Entity({ name: 'agents' })
export class Agent {
  @Field(() => ID)
  @PrimaryColumn({ type: 'uuid', default: () => 'gen_random_uuid()' })
  id!: string;

  @Field({ description: 'URL-friendly unique name, fixed at creation.' })
  @Index('agents_slug_key', { unique: true })
  @Column({ type: 'text' })
  slug!: string;

  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field()
  @Column({ type: 'text' })
  description!: string;

  @Field({
    description:
      "The agent's A2A endpoint: for an agent registered from its card, the card's JSONRPC interface.",
  })
  @Column({ type: 'text' })
  url!: string;

  @Field()
  @Column({ type: 'text' })
  version!: string;

  /** The publishing user; exposed as `provider` (a User owned by the users subgraph). */
  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @Field(() => [AgentSkill])
  @Column({ type: 'jsonb' })
  skills!: AgentSkill[];

  @Field(() => AgentCapabilities)
  @Column({ type: 'jsonb' })
  capabilities!: AgentCapabilities;

  @Field(() => [String], { description: 'Media types the agent accepts, e.g. text/plain.' })
  @Column({ name: 'default_input_modes', type: 'text', array: true })
  defaultInputModes!: string[];

  @Field(() => [String], { description: 'Media types the agent produces.' })
  @Column({ name: 'default_output_modes', type: 'text', array: true })
  defaultOutputModes!: string[];

  @Field()
  @Column({ type: 'text' })
  category!: string;

  @Field(() => [String])
  @Column({ type: 'text', array: true })
  tags!: string[];

  @Field(() => Int, { description: 'Credits charged per completed task.' })
  @Column({ name: 'price_credits', type: 'integer' })
  priceCredits!: number;

  @Field(() => AgentStatus)
  @Column({ type: 'text' })
  status!: AgentStatus;

  @Field(() => String, {
    nullable: true,
    description:
      "Where the agent's A2A card is read (registerAgent); null for agents described by hand.",
  })
  @Column({ name: 'card_url', type: 'text', nullable: true })
  cardUrl!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The A2A protocol version Agentry speaks with the agent, read from its card: "1.0", or "0.3" for an agent that still speaks A2A v0.3. Null for agents described by hand (createAgent).',
  })
  @Column({ name: 'protocol_version', type: 'text', nullable: true })
  protocolVersion!: string | null;

  @Field(() => Boolean, {
    description: "false when the agent's card stopped answering at the last check.",
  })
  @Column({ type: 'boolean', default: true })
  available!: boolean;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the agent last answered with a valid card; null for agents described by hand.',
  })
  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  /** When the card was last read, whatever came of it. */
  @Column({ name: 'card_checked_at', type: 'timestamptz', nullable: true })
  cardCheckedAt!: Date | null;

  /** Why the last check failed; null after a good one. Not public: it may name internal hosts. */
  @Column({ name: 'card_error', type: 'text', nullable: true })
  cardError!: string | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

export const AgentConnection = Connection('Agent', Agent);
