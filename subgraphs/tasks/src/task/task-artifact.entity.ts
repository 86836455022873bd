import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';
import { Part } from './part.type';

@ObjectType('Artifact', {
  description: 'An output of a task; streamed artifacts grow chunk by chunk.',
})
@Entity({ name: 'task_artifacts' })
export class TaskArtifact {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId!: string;

  @Field({ description: "The agent's id for the artifact (unique within the task)." })
  @Column({ name: 'artifact_id', type: 'text' })
  artifactId!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => [Part])
  @Column({ type: 'jsonb' })
  parts!: Part[];

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field()
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
