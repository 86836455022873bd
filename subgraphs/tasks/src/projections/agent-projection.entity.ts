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

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
