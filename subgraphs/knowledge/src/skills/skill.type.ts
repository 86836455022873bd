import { Field, ID, Int, ObjectType } from 'type-graphql';

/** A skill as the knowledge graph knows it: one per distinct name across published agents. */
@ObjectType({ description: 'A skill that published agents have (by name, case-insensitive).' })
export class Skill {
  @Field(() => ID, { description: 'The skill, keyed by its name in lower case.' })
  id!: string;

  @Field({ description: 'The name, as the first agent with it wrote it.' })
  name!: string;

  @Field(() => Int, { description: 'How many published agents have it.' })
  agentCount!: number;
}
