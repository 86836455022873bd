import { IsEmail, IsOptional, Length, MaxLength, Matches } from 'class-validator';
import { Field, InputType } from 'type-graphql';

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
