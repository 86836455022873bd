import { Field, InputType } from 'type-graphql';

@InputType()
export class AgentCapabilitiesInput {
  @Field({ nullable: true, defaultValue: false })
  streaming?: boolean;
  @Field({ nullable: true, defaultValue: false })
  pushNotifications?: boolean;
  @Field({ nullable: true, defaultValue: false })
  stateTransitionHistory?: boolean;
}
