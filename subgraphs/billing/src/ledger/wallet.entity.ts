import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Field, ObjectType } from 'type-graphql';
import { bigintAsNumber } from './bigint.transformer';
import { CreditsScalar } from './credits.scalar';

/** The fixed wallet that receives platform fees (created by the migration). */
export const PLATFORM_WALLET_ID = '00000000-0000-0000-0000-000000000000';

@ObjectType({
  description:
    "A user's credits. Every change is a ledger entry; `available` is what new tasks may hold.",
})
@Entity({ name: 'wallets' })
export class Wallet {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Field(() => CreditsScalar, { description: 'Credits owned, including those held.' })
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  balance!: number;

  @Field(() => CreditsScalar, { description: 'Credits reserved for running tasks.' })
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  held!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** What a user without a wallet row sees: nothing owned, nothing held (never persisted). */
export function emptyWallet(userId: string): Wallet {
  return Object.assign(new Wallet(), {
    userId,
    balance: 0,
    held: 0,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  });
}
