import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The content of an MCP resource.' })
export class ResourceContentItem {
  @Field()
  uri!: string;
  @Field(() => String, { nullable: true })
  mimeType?: string;
  @Field(() => String, { nullable: true })
  text?: string;
  @Field(() => String, { nullable: true, description: 'Base64.' })
  blob?: string;
}
