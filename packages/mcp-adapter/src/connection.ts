import { assertFetchableUrl } from '@agentry/url-guard';
import { AppError, badInput, ErrorCode } from '@agentry/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResultSchema,
  ErrorCode as McpErrorCode,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { redacted, toAppError, unreachable, urlParts, withRedactedErrors } from './errors';
import { createGuardedFetch } from './http';
import {
  fromMcpCallToolResult,
  fromMcpPrompt,
  fromMcpResource,
  fromMcpResourceContents,
  fromMcpResourceTemplate,
  fromMcpTool,
} from './mapping';
import type {
  CallOptions,
  McpConnectOptions,
  McpConnection,
  PromptInfo,
  ResourceContent,
  ResourceInfo,
  ResourceTemplateInfo,
  ToolCallResult,
  ToolInfo,
  ToolServerDescription,
} from './types';
import { compileToolSchema, formatErrors } from './validate';

const CLIENT_INFO = { name: 'agentry', version: '0.1.0' };

/** Defaults of {@link McpConnectOptions} and {@link CallOptions}. */
export const MCP_DEFAULTS = {
  requestTimeoutMs: 10_000,
  callTimeoutMs: 30_000,
  maxTotalTimeoutMs: 120_000,
} as const;

// A server that paginates forever must not keep a listing going forever.
const MAX_PAGES = 100;

/**
 * Connects to the MCP server at `url` over Streamable HTTP and runs the initialize handshake.
 * The URL is checked by the SSRF guard before anything is sent (and again before every
 * request). Throws BAD_USER_INPUT for an invalid or refused URL, TOOL_UNREACHABLE when the
 * server does not answer as an MCP server.
 */
export async function connectToolServer(
  url: string,
  options: McpConnectOptions = {},
): Promise<McpConnection> {
  const { allowPrivate = false, timeoutMs = MCP_DEFAULTS.requestTimeoutMs, headers } = options;
  const { label } = options;
  const redact = (err: unknown) => (label ? redacted(err, urlParts(url), label) : err);
  const target = label ?? url;
  let parsed: URL;
  try {
    parsed = await assertFetchableUrl(url, { allowPrivate });
  } catch (err) {
    throw redact(toAppError(err, { target, what: 'the URL check', timeoutIsTimeout: false }));
  }
  const transport = new StreamableHTTPClientTransport(parsed, {
    fetch: createGuardedFetch(allowPrivate),
    requestInit: headers ? { headers } : undefined,
  });
  const connection = await open(transport, target, timeoutMs).catch((err: unknown) => {
    throw redact(err);
  });
  return label ? withRedactedErrors(connection, redact) : connection;
}

export interface StdioConnectOptions {
  /** Environment of the server process, on top of the SDK's safe defaults (PATH, HOME...). */
  env?: Record<string, string>;
  /** Working directory of the server process. Default: this process's. */
  cwd?: string;
  /** Limit for the handshake and each listing. Default 10000 ms. */
  timeoutMs?: number;
}

/**
 * Starts `command args` as an MCP server speaking over its stdin/stdout, for servers an
 * operator runs on the platform's own machine (never for commands a user supplies). `close()`
 * ends the process. Throws TOOL_UNREACHABLE when it cannot be started or does not answer; the
 * message ends with what the process wrote to stderr.
 */
export async function connectStdioToolServer(
  command: string,
  args: string[],
  options: StdioConnectOptions = {},
): Promise<McpConnection> {
  const { env, cwd, timeoutMs = MCP_DEFAULTS.requestTimeoutMs } = options;
  const transport = new StdioClientTransport({ command, args, env, cwd, stderr: 'pipe' });
  // Keep the end of stderr for error messages; reading it also keeps the pipe from filling up.
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const target = [command, ...args].join(' ');
  try {
    return await open(transport, target, timeoutMs);
  } catch (err) {
    const tail = stderr.trim();
    if (!tail || !(err instanceof AppError)) throw err;
    throw new AppError(err.extensions.code as ErrorCode, `${err.message} stderr: ${tail}`);
  }
}

/** Connects to `url`, describes the server and closes the connection. */
export async function describeToolServer(
  url: string,
  options?: McpConnectOptions,
): Promise<ToolServerDescription> {
  const connection = await connectToolServer(url, options);
  try {
    return await connection.describe();
  } finally {
    await connection.close();
  }
}

async function open(transport: Transport, target: string, timeoutMs: number) {
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  // The SDK reports transport trouble (a stream that broke, a failed GET) here as well as to the
  // request concerned; the request's own error is the one that counts.
  client.onerror = () => {};
  try {
    await client.connect(transport, { timeout: timeoutMs });
  } catch (err) {
    await client.close().catch(() => {});
    throw toAppError(err, {
      target,
      what: 'the initialize handshake',
      timeoutIsTimeout: false,
      timeoutMs,
    });
  }
  return new Connection(client, target, timeoutMs);
}

class Connection implements McpConnection {
  description: ToolServerDescription | null = null;
  private tools: ToolInfo[] | null = null;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    private readonly target: string,
    private readonly timeoutMs: number,
  ) {}

  async listTools(): Promise<ToolInfo[]> {
    // A server without the tools capability has none; asking would only earn a refusal.
    const tools = !this.client.getServerCapabilities()?.tools
      ? []
      : await this.listAll('tools/list', async (cursor, opts) => {
          const page = await this.client.listTools({ cursor }, opts);
          return { items: page.tools.map(fromMcpTool), nextCursor: page.nextCursor };
        });
    this.tools = tools;
    if (this.description) this.description = { ...this.description, tools };
    return tools;
  }

  async describe(): Promise<ToolServerDescription> {
    const caps = this.client.getServerCapabilities() ?? {};
    const none = Promise.resolve([]);
    const [tools, resources, resourceTemplates, prompts] = await Promise.all([
      this.listTools(),
      caps.resources
        ? this.listAll<ResourceInfo>('resources/list', async (cursor, opts) => {
            const page = await this.client.listResources({ cursor }, opts);
            return { items: page.resources.map(fromMcpResource), nextCursor: page.nextCursor };
          })
        : none,
      caps.resources
        ? this.listAll<ResourceTemplateInfo>('resources/templates/list', async (cursor, opts) => {
            const page = await this.client.listResourceTemplates({ cursor }, opts);
            return {
              items: page.resourceTemplates.map(fromMcpResourceTemplate),
              nextCursor: page.nextCursor,
            };
          })
        : none,
      caps.prompts
        ? this.listAll<PromptInfo>('prompts/list', async (cursor, opts) => {
            const page = await this.client.listPrompts({ cursor }, opts);
            return { items: page.prompts.map(fromMcpPrompt), nextCursor: page.nextCursor };
          })
        : none,
    ]);
    const server = this.client.getServerVersion();
    const description: ToolServerDescription = {
      serverInfo: { name: server?.name ?? '', version: server?.version ?? '' },
      tools,
      resources,
      resourceTemplates,
      prompts,
    };
    const instructions = this.client.getInstructions();
    if (instructions) description.instructions = instructions;
    this.description = description;
    return description;
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<ToolCallResult> {
    options.signal?.throwIfAborted();
    const tool = await this.findTool(name);
    const what = `tool "${name}"`;
    const validate = tryCompile(tool.inputSchema);
    if (validate && !validate(args ?? {})) {
      const errors = formatErrors(validate.errors ?? []);
      throw badInput(`Invalid arguments for ${what}: ${errors.join('; ')}.`, { errors });
    }
    // The SDK's callTool() would also check structuredContent, but only after a listTools() on
    // the same client and with errors that look like the server's own refusals: we check it here.
    const raw = await this.timed(what, options, (opts) =>
      this.client.request(
        { method: 'tools/call', params: { name, arguments: args ?? {} } },
        CallToolResultSchema,
        opts,
      ),
    );
    const result = fromMcpCallToolResult(raw);
    if (tool.outputSchema && !result.isError) this.checkOutput(tool, result);
    return result;
  }

  async readResource(uri: string, options: CallOptions = {}): Promise<ResourceContent[]> {
    const result = await this.timed(`resource ${uri}`, options, (opts) =>
      this.client.readResource({ uri }, opts),
    );
    return result.contents.map(fromMcpResourceContents);
  }

  close(): Promise<void> {
    return (this.closing ??= this.client.close().catch(() => {}));
  }

  /** The tool from the cached list, reading the list again once when it is not (yet) there. */
  private async findTool(name: string): Promise<ToolInfo> {
    const cached = this.tools?.find((t) => t.name === name);
    if (cached) return cached;
    const tools = await this.listTools();
    const tool = tools.find((t) => t.name === name);
    if (tool) return tool;
    const names = tools.map((t) => t.name).join(', ') || 'none';
    throw badInput(`The tool server at ${this.target} has no tool "${name}". Its tools: ${names}.`);
  }

  private checkOutput(tool: ToolInfo, result: ToolCallResult): void {
    const validate = tryCompile(tool.outputSchema!);
    if (!validate) return;
    const problem = !result.structuredContent
      ? 'no structuredContent although the tool declares an output schema'
      : !validate(result.structuredContent)
        ? `structuredContent that does not match the tool's output schema (${formatErrors(validate.errors ?? []).join('; ')})`
        : undefined;
    if (problem) throw unreachable(this.target, `tool "${tool.name}" answered with ${problem}.`);
  }

  /** Every page of a listing, each page limited by the connection's timeout. */
  private async listAll<T>(
    method: string,
    page: (
      cursor: string | undefined,
      opts: RequestOptions,
    ) => Promise<{ items: T[]; nextCursor?: string }>,
  ): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    try {
      for (let n = 0; n < MAX_PAGES; n++) {
        const result = await page(cursor, { timeout: this.timeoutMs });
        items.push(...result.items);
        if (!result.nextCursor) return items;
        cursor = result.nextCursor;
      }
    } catch (err) {
      throw toAppError(err, {
        target: this.target,
        what: method,
        timeoutIsTimeout: false,
        timeoutMs: this.timeoutMs,
      });
    }
    throw unreachable(this.target, `${method} still had more pages after ${MAX_PAGES}.`);
  }

  /**
   * Runs a call or read with the caller's limits. The SDK only checks `maxTotalTimeout` when a
   * progress notification arrives, so a deadline of our own enforces it in every case.
   */
  private async timed<T>(
    what: string,
    options: CallOptions,
    send: (opts: RequestOptions) => Promise<T>,
  ): Promise<T> {
    const {
      timeoutMs = MCP_DEFAULTS.callTimeoutMs,
      maxTotalTimeoutMs = MCP_DEFAULTS.maxTotalTimeoutMs,
      signal,
      onProgress,
    } = options;
    signal?.throwIfAborted();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), maxTotalTimeoutMs);
    const cutTotal = () =>
      new AppError(
        ErrorCode.TIMEOUT,
        `The tool server at ${this.target} did not finish ${what} within ${maxTotalTimeoutMs} ms in total; the call was cut.`,
      );
    try {
      return await send({
        timeout: timeoutMs,
        resetTimeoutOnProgress: true,
        maxTotalTimeout: maxTotalTimeoutMs,
        signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
        // Always set: the SDK asks the server for progress (and so can reset the timeout) only
        // when there is a listener.
        onprogress: ({ progress, total, message }) => {
          if (!onProgress) return;
          const p: { progress: number; total?: number; message?: string } = { progress };
          if (total !== undefined) p.total = total;
          if (message !== undefined) p.message = message;
          onProgress(p);
        },
      });
    } catch (err) {
      // The SDK turns an abort into a RequestTimeout McpError; the caller gets its own reason.
      if (signal?.aborted) throw signal.reason;
      if (deadline.signal.aborted || isTotalTimeout(err)) throw cutTotal();
      throw toAppError(err, { target: this.target, what, timeoutIsTimeout: true, timeoutMs });
    } finally {
      clearTimeout(timer);
    }
  }
}

const isTotalTimeout = (err: unknown) =>
  err instanceof McpError &&
  err.code === McpErrorCode.RequestTimeout &&
  typeof (err.data as { maxTotalTimeout?: unknown } | undefined)?.maxTotalTimeout === 'number';

// A schema Ajv cannot compile is the server's business: the server validates on its side.
function tryCompile(schema: Record<string, unknown>) {
  try {
    return compileToolSchema(schema);
  } catch {
    return undefined;
  }
}
