export { createMcpRouter, type McpRouterOptions } from './router';
export { createMarketplaceMcpServer, AGENTRY_VERSION, INSTRUCTIONS } from './server';
export { createGraphQLCaller, ToolError, type GraphQLCaller } from './graphql';
export { PROTECTED_RESOURCE_PATHS, protectedResourceMetadata } from './protected-resource';
