import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { Field, Int, ObjectType } from 'type-graphql';
import { TaskEventKind } from './task-event-kind.type';
import { TaskState } from '../task/task-state.type';

/**
 * One entry of a task's ordered, gapless event log (1..n per task): what subscriptions replay
 * from a cursor, so a client that reconnects misses nothing.
 */
@ObjectType({ description: 'One step in the life of a task, in order.' })
@Entity({ name: 'task_events' })
export class TaskEvent {
  @PrimaryColumn({ name: 'task_id', type: 'uuid' })
  taskId!: string;

  @Field(() => Int, { description: '1, 2, 3... per task, without gaps.' })
  @PrimaryColumn({ type: 'int' })
  sequence!: number;

  @Field(() => TaskEventKind)
  @Column({ type: 'text' })
  kind!: TaskEventKind;

  @Field(() => TaskState, { nullable: true, description: 'The state of the task after the event.' })
  @Column({ type: 'text' })
  state!: TaskState;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  /** The artifact row (not the A2A artifact id). */
  @Column({ name: 'artifact_id', type: 'uuid', nullable: true })
  artifactRowId!: string | null;

  /** What exactly happened, e.g. the chunk an ARTIFACT event appended. */
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Field({ name: 'at' })
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
