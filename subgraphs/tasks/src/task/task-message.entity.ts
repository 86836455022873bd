import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { Part } from './part.type';
import { MessageRole } from './message-role.type';

@ObjectType({ description: 'A message of the requester or the agent within a task.' })
@Entity({ name: 'task_messages' })
export class TaskMessage {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId!: string;

  @Field(() => MessageRole)
  @Column({ type: 'text' })
  role!: MessageRole;

  @Field(() => [Part])
  @Column({ type: 'jsonb' })
  parts!: Part[];

  /** The A2A message id, when the agent sent one. */
  @Column({ name: 'remote_message_id', type: 'text', nullable: true })
  remoteMessageId!: string | null;

  /** The task event that added this message. */
  @Column({ type: 'int' })
  sequence!: number;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
