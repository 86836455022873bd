/**
 * The MCP adapter: the only code in Agentry that talks to MCP tool servers (through
 * @modelcontextprotocol/sdk's client). A server becomes a {@link ToolServerDescription} (tools,
 * resources, templates, prompts) for the registry; tool calls and resource reads return plain
 * data shaped like the GraphQL types. Every URL is checked by the SSRF guard, every request has
 * a timeout, and every failure is an AppError with a public code.
 */
export {
  connectStdioToolServer,
  connectToolServer,
  describeToolServer,
  MCP_DEFAULTS,
  type StdioConnectOptions,
} from './connection';
export { validateToolArguments } from './validate';
export { RESOURCE_NOT_FOUND } from './errors';
// Wire-level conversions (their MCP side uses SDK types): for tests and tooling.
export {
  fromMcpCallToolResult,
  fromMcpContent,
  fromMcpPrompt,
  fromMcpResource,
  fromMcpResourceContents,
  fromMcpResourceTemplate,
  fromMcpTool,
} from './mapping';
export type {
  CallOptions,
  ContentKind,
  McpConnection,
  McpConnectOptions,
  PromptInfo,
  ResourceContent,
  ResourceInfo,
  ResourceTemplateInfo,
  ToolAnnotations,
  ToolCallResult,
  ToolContent,
  ToolInfo,
  ToolServerDescription,
} from './types';
