import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The agents subgraph's facts this subgraph needs (provider, price, status), kept from
 * agent.created / agent.updated. Never exposed as such: `Agent` here is a stub.
 */
@Entity({ name: 'agents' })
export class AgentProjection {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'price_credits', type: 'int' })
  priceCredits!: number;

  @Column({ type: 'text' })
  status!: string;

  /** The agent's A2A endpoint (null until an event carried it). */
  @Column({ type: 'text', nullable: true })
  url!: string | null;

  /** Where its card is read (null for agents entered by hand); preferred over `url`. */
  @Column({ name: 'card_url', type: 'text', nullable: true })
  cardUrl!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
