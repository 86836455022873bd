import { IsOptional, Length, Matches } from 'class-validator';
import { Field, InputType } from 'type-graphql';

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
