import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The agents subgraph's facts this subgraph needs (who provides an agent), kept from
 * agent.created / agent.updated. Never exposed as such: `Agent` here is a stub.
 */
@Entity({ name: 'agents' })
export class AgentProjection {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @Column({ type: 'text' })
  status!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
