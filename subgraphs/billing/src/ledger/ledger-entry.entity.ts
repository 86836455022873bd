import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { bigintAsNumber } from './bigint.transformer';
import { CreditsScalar } from './credits.scalar';

export enum LedgerEntryKind {
  GRANT = 'GRANT',
  HOLD = 'HOLD',
  RELEASE = 'RELEASE',
  CAPTURE = 'CAPTURE',
  PAYOUT = 'PAYOUT',
  FEE = 'FEE',
  REFUND = 'REFUND',
}
registerEnumType(LedgerEntryKind, {
  name: 'LedgerEntryKind',
  description:
    'GRANT, PAYOUT, FEE and REFUND add to the balance; HOLD reserves credits for a task, RELEASE ' +
    'frees them, CAPTURE spends them.',
});

@ObjectType({ description: 'One movement of credits. Entries are never changed or deleted.' })
@Entity({ name: 'ledger_entries' })
export class LedgerEntry {
  @Field(() => ID)
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Global append order: newest first is `seq DESC`. */
  @Column({ type: 'bigint', transformer: bigintAsNumber, insert: false, update: false })
  seq!: number;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Field(() => LedgerEntryKind)
  @Column({ type: 'text' })
  kind!: LedgerEntryKind;

  @Field(() => Int)
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  amount!: number;

  @Column({ name: 'balance_delta', type: 'bigint', transformer: bigintAsNumber })
  balanceDelta!: number;

  @Column({ name: 'held_delta', type: 'bigint', transformer: bigintAsNumber })
  heldDelta!: number;

  @Field(() => CreditsScalar, { description: 'The wallet balance right after this entry.' })
  @Column({ name: 'balance_after', type: 'bigint', transformer: bigintAsNumber })
  balanceAfter!: number;

  @Field(() => CreditsScalar, { description: 'The held credits right after this entry.' })
  @Column({ name: 'held_after', type: 'bigint', transformer: bigintAsNumber })
  heldAfter!: number;

  @Field(() => ID, { nullable: true })
  @Column({ name: 'task_id', type: 'uuid', nullable: true })
  taskId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
