import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How many published agents have this value.' })
export class FacetCount {
  @Field()
  value!: string;
  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'The values the catalogue can be filtered by, with their counts.' })
export class AgentFacets {
  @Field(() => [FacetCount], { description: 'Categories, most agents first.' })
  categories!: FacetCount[];
  @Field(() => [FacetCount], { description: 'The 50 most used tags, most agents first.' })
  tags!: FacetCount[];
}
