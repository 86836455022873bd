import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'A key for third-party integrations. Its secret is shown once, at creation.',
})
@Entity({ name: 'api_keys' })
export class ApiKey {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('api_keys_user_idx')
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field({
    description: 'The recognisable start of the key, e.g. `agy_3fk29xq0`; safe to display.',
  })
  @Index('api_keys_prefix_key', { unique: true })
  @Column({ type: 'text' })
  prefix!: string;

  /** SHA-256 of the secret (the secret has 256 bits of entropy, so a slow hash adds nothing). */
  @Column({ name: 'secret_hash', type: 'text' })
  secretHash!: string;

  @Field(() => [String])
  @Column({ type: 'text', array: true })
  scopes!: string[];

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
