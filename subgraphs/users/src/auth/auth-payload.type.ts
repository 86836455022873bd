import { Field, ObjectType } from 'type-graphql';
import { User } from '../user/user.entity';

@ObjectType()
export class AuthPayload {
  @Field({ description: 'A session token: send it as `Authorization: Bearer <token>`.' })
  token!: string;
  @Field(() => User)
  user!: User;
}
