/*
 * What the rest of Agentry sees of MCP: plain data shaped like the GraphQL types (ToolServer,
 * Tool, ToolResult), with no SDK type in sight. Wire-format details (content block `type`
 * strings, pagination cursors, capabilities) stay inside this package.
 */

/** The kind of one piece of a tool's answer; MCP's content block types, upper-cased. */
export type ContentKind = 'TEXT' | 'IMAGE' | 'AUDIO' | 'RESOURCE' | 'RESOURCE_LINK';

/**
 * One piece of a tool's answer. Which fields are set depends on `kind`:
 * TEXT `text`; IMAGE and AUDIO `data` (base64) and `mimeType`; RESOURCE (embedded) `resource`,
 * with its `uri` and `mimeType` repeated at the top level; RESOURCE_LINK `uri`, `name` and
 * `mimeType` when the server gives one.
 */
export interface ToolContent {
  kind: ContentKind;
  text?: string;
  /** Base64, for IMAGE and AUDIO. */
  data?: string;
  mimeType?: string;
  uri?: string;
  name?: string;
  resource?: { uri: string; mimeType?: string; text?: string; blob?: string };
}

/**
 * What a tool answered. A tool that failed in a way it reports itself (`isError: true`) is a
 * result, not an exception: the model or the user reads `content` to learn why.
 */
export interface ToolCallResult {
  isError: boolean;
  content: ToolContent[];
  /** The JSON object a tool with an output schema returns next to `content`. */
  structuredContent?: Record<string, unknown>;
}

/** Hints a server gives about a tool; untrusted (a server may lie), for display and policy. */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export interface ToolInfo {
  name: string;
  title?: string;
  /** '' when the server gives none. */
  description: string;
  /** JSON Schema of the arguments, as the server published it. */
  inputSchema: Record<string, unknown>;
  /** JSON Schema of `structuredContent`, when the tool declares one. */
  outputSchema?: Record<string, unknown>;
  annotations?: ToolAnnotations;
}

export interface ResourceInfo {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

export interface ResourceTemplateInfo {
  /** An RFC 6570 URI template, e.g. `doc://{id}`. */
  uriTemplate: string;
  name: string;
  description?: string;
  mimeType?: string;
}

export interface PromptInfo {
  name: string;
  description?: string;
  arguments: { name: string; description?: string; required: boolean }[];
}

/** One of the contents of a read resource: `text` or `blob` (base64). */
export interface ResourceContent {
  uri: string;
  mimeType?: string;
  text?: string;
  blob?: string;
}

/** Everything a server offers. A capability the server lacks gives an empty list. */
export interface ToolServerDescription {
  serverInfo: { name: string; version: string };
  instructions?: string;
  tools: ToolInfo[];
  resources: ResourceInfo[];
  resourceTemplates: ResourceTemplateInfo[];
  prompts: PromptInfo[];
}

export interface McpConnectOptions {
  /**
   * Allow servers on loopback, private and link-local addresses. Default false: production
   * passes false; development and tests pass true to reach servers on 127.0.0.1. See
   * `assertFetchableUrl` of @agentry/url-guard, which checks the URL before every request.
   */
  allowPrivate?: boolean;
  /**
   * Limit for each protocol request that is not a tool call or a resource read: the
   * initialize handshake and every list request. Default 10000 ms.
   */
  timeoutMs?: number;
  /** Extra HTTP headers sent with every request (e.g. `Authorization`). Default: none. */
  headers?: Record<string, string>;
  /**
   * How error messages name the server. Default: its URL. Pass a name (e.g. `"Weather"`) when
   * the caller may not read the URL (`ToolServer.url` is for its owner and admins): the URL,
   * its origin and its host are then taken out of every error of this connection too, so an
   * error never tells more than the caller may read.
   */
  label?: string;
}

export interface CallOptions {
  /**
   * How long the server may stay silent. Each progress notification the server sends starts
   * this again, so a long job that reports progress may run longer. Default 30000 ms.
   */
  timeoutMs?: number;
  /** Hard limit for the whole call, progress or not. Default 120000 ms. */
  maxTotalTimeoutMs?: number;
  /**
   * Aborts the call: it rejects with the signal's reason and the server is told to cancel.
   * Default: none (timeouts only).
   */
  signal?: AbortSignal;
  /** Called for each progress notification of this call. Default: none. */
  onProgress?: (p: { progress: number; total?: number; message?: string }) => void;
}

/**
 * One open connection to a tool server. Every failure is an AppError: TOOL_UNREACHABLE when the
 * server cannot be reached or breaks the protocol, TIMEOUT when a call or read runs out of time,
 * BAD_USER_INPUT for an unknown tool, invalid arguments or a request the server refuses.
 */
export interface McpConnection {
  /** The last result of {@link McpConnection.describe}; null before the first. */
  readonly description: ToolServerDescription | null;
  /** The server's tools, every page of them. */
  listTools(): Promise<ToolInfo[]>;
  /** Lists everything the server offers; missing capabilities -> empty lists. */
  describe(): Promise<ToolServerDescription>;
  /**
   * Calls a tool. The name is checked against the server's tool list and the arguments against
   * the tool's input schema before anything is sent (BAD_USER_INPUT otherwise).
   */
  callTool(
    name: string,
    args: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<ToolCallResult>;
  readResource(uri: string, options?: CallOptions): Promise<ResourceContent[]>;
  /** Closes the transport (and ends a stdio server's process). Safe to call twice. */
  close(): Promise<void>;
}
