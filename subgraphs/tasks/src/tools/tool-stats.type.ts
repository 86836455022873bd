import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How a tool performed over a window of time.' })
export class ToolStats {
  @Field(() => Int)
  windowMinutes!: number;
  @Field(() => Int)
  calls!: number;
  @Field(() => Int, { description: 'Calls that failed, timed out, or returned isError.' })
  errors!: number;
  @Field(() => Float, { nullable: true })
  p50Ms!: number | null;
  @Field(() => Float, { nullable: true })
  p95Ms!: number | null;
}
