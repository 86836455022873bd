import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';

@ArgsType()
export class KnowledgeGraphArgs {
  @Field(() => ID, { description: 'The agent to draw the graph around.' })
  agentId!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'How many hops from the agent (1 to 3, default 2).',
  })
  @IsOptional()
  @Min(1)
  @Max(3)
  depth?: number | null;
}
