import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The agents subgraph's Tool (id `<serverId>:<name>`); this subgraph adds its stats. */
@Directive('@key(fields: "id")')
@ObjectType('Tool')
export class ToolStub {
  @Field(() => ID)
  id!: string;
}
