import { ArrayMaxSize, ArrayNotEmpty, IsIn, Length, Matches } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { API_KEY_SCOPES } from '@agentry/core';

@ArgsType()
export class CreateApiKeyArgs {
  @Field()
  @Length(1, 100, { message: 'name must be 1 to 100 characters long' })
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @Field(() => [String], { description: `Any of: ${API_KEY_SCOPES.join(', ')}.` })
  @ArrayNotEmpty({ message: 'scopes must name at least one scope' })
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @IsIn(API_KEY_SCOPES as unknown as string[], {
    each: true,
    message: `each scope must be one of: ${API_KEY_SCOPES.join(', ')}`,
  })
  scopes!: string[];
}
