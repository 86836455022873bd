import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How many reviews gave an agent this many stars.' })
export class RatingBucket {
  @Field(() => Int, { description: '1 to 5.' })
  stars!: number;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: "An agent's reviews summed up." })
export class AgentRating {
  @Field(() => Float, {
    nullable: true,
    description: 'Mean stars rounded to 2 decimals; null while there are no reviews.',
  })
  average!: number | null;

  @Field(() => Int, { description: 'Number of reviews.' })
  count!: number;

  @Field(() => [RatingBucket], { description: 'Always five buckets, 1 to 5 stars.' })
  histogram!: RatingBucket[];
}
