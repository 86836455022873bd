import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A user who has had a task completed by an agent, and so may review it; kept from
 * task.completed (the latest such task per user and agent).
 */
@Entity({ name: 'eligibility' })
export class Eligibility {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ name: 'agent_id', type: 'uuid' })
  agentId!: string;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId!: string;

  @Column({ name: 'completed_at', type: 'timestamptz' })
  completedAt!: Date;
}
