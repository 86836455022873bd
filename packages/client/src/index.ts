export { createAgentryClient, type AgentryClient, type AgentryClientOptions } from './client';
export { AgentryError, type AgentryGraphQLError } from './errors';
export {
  createLiveConnection,
  followResumable,
  type FollowOptions,
  type LiveConnection,
  type LiveConnectionOptions,
  type LiveStatus,
} from './live';
export * from './operations';
export type * from './gql/graphql';
