import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsEmail,
  IsIn,
  IsOptional,
  Length,
  MaxLength,
  Matches,
} from 'class-validator';
import { ArgsType, Field, InputType } from 'type-graphql';
import { API_KEY_SCOPES } from '@agentry/core';

@InputType()
export class SignUpInput {
  @Field()
  @IsEmail({}, { message: 'email must be a valid e-mail address' })
  @MaxLength(254)
  email!: string;

  @Field({ description: '8 to 200 characters.' })
  @Length(8, 200, { message: 'password must be 8 to 200 characters long' })
  password!: string;

  @Field()
  @Length(1, 100, { message: 'name must be 1 to 100 characters long' })
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @Field({ nullable: true, description: 'Also become a PUBLISHER, who may publish agents.' })
  @IsOptional()
  publisher?: boolean;
}

@ArgsType()
export class SignInArgs {
  @Field()
  @MaxLength(254)
  email!: string;

  @Field()
  @MaxLength(200)
  password!: string;
}

@InputType()
export class UpdateProfileInput {
  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 100, { message: 'name must be 1 to 100 characters long' })
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @Field({ nullable: true, description: 'Become a PUBLISHER (cannot be undone here).' })
  @IsOptional()
  publisher?: boolean;
}

@ArgsType()
export class CreateApiKeyArgs {
  @Field()
  @Length(1, 100, { message: 'name must be 1 to 100 characters long' })
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
