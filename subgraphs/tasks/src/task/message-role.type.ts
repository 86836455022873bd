import { registerEnumType } from 'type-graphql';

export enum MessageRole {
  USER = 'USER',
  AGENT = 'AGENT',
}
registerEnumType(MessageRole, {
  name: 'MessageRole',
  description: 'USER: the requester; AGENT: the agent.',
});
