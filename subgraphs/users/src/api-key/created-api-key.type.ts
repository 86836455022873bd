import { Field, ObjectType } from 'type-graphql';
import { ApiKey } from './api-key.entity';

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey!: ApiKey;
  @Field({
    description:
      'The full key. Shown only now; store it safely. Send it as `Authorization: Bearer <secret>`.',
  })
  secret!: string;
}
