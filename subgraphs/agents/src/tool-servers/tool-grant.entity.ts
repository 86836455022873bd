import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { Field, ObjectType } from 'type-graphql';
import { UserStub } from '../federated/user/user.stub';

/** One user's access to a server's tools; `tools` null is every tool, also ones added later. */
@ObjectType({ description: "A user's access to a tool server's tools." })
@Entity({ name: 'tool_grants' })
export class ToolGrant {
  // A getter, not a field resolver: a grant always shows its user, and no lookup is needed.
  @Field(() => UserStub, {
    nullable: true,
    description:
      'Who may call. Null when the users subgraph cannot answer right now (an error says so).',
  })
  get user(): UserStub {
    return { id: this.userId };
  }

  @PrimaryColumn({ name: 'server_id', type: 'uuid' })
  serverId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Field(() => [String], { nullable: true, description: 'Tool names; null: every tool.' })
  @Column({ type: 'text', array: true, nullable: true })
  tools!: string[] | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
