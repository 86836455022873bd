import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { TaskState } from './task-state.type';

/**
 * A unit of work a requester gave an agent. Every change goes through task.store.ts, which
 * numbers the task's events 1..n without gaps (`lastSequence` is the last number used).
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A task sent to an agent, with its messages, artifacts and events.' })
@Entity({ name: 'tasks' })
export class Task {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId!: string;

  @Column({ name: 'requester_id', type: 'uuid' })
  requesterId!: string;

  /** The agent's provider when the task was created (copied from the projection). */
  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @Field({ description: 'The A2A context id; messages of one conversation share it.' })
  @Column({ name: 'context_id', type: 'text' })
  contextId!: string;

  /** The task id the remote agent gave it (set by the A2A runner). */
  @Column({ name: 'remote_task_id', type: 'text', nullable: true })
  remoteTaskId!: string | null;

  @Field(() => TaskState)
  @Column({ type: 'text' })
  state!: TaskState;

  /** The agent's price when the task was created. */
  @Column({ name: 'price_credits', type: 'int' })
  priceCredits!: number;

  @Column({ name: 'last_sequence', type: 'int' })
  lastSequence!: number;

  @Field(() => String, { nullable: true, description: 'Why the task failed, if it did.' })
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field()
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'When the task reached a terminal state (COMPLETED, FAILED, CANCELED, REJECTED).',
  })
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
