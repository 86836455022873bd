import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

/** `agent` and `author` are resolved as stubs by ReviewResolver from the two id columns. */
@Directive('@key(fields: "id")')
@ObjectType({ description: "A user's rating and review of an agent; one per user and agent." })
@Entity({ name: 'reviews' })
export class Review {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'agent_id', type: 'uuid' })
  agentId!: string;

  @Column({ name: 'author_id', type: 'uuid' })
  authorId!: string;

  @Field(() => Int, { description: '1 to 5 stars.' })
  @Column({ type: 'smallint' })
  rating!: number;

  @Field(() => String)
  @Column({ type: 'text' })
  title!: string;

  @Field(() => String)
  @Column({ type: 'text' })
  body!: string;

  @Field(() => Date)
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field(() => Date, {
    description: 'When the review was last written (a new review replaces the old).',
  })
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
