import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Logger } from '@agentry/core';
import { ToolError, type GraphQLCaller } from './graphql';
import {
  CALL_TOOL,
  CANCEL_TASK,
  GET_AGENT,
  GET_TASK,
  MY_WALLET,
  REPLY_TO_TASK,
  SEARCH_AGENTS,
  SEND_TASK,
  type AgentData,
  type AgentSummaryData,
  type TaskData,
  type ToolResultData,
  type WalletData,
} from './operations';
import {
  agentLine,
  agentSchema,
  agentSummarySchema,
  agentText,
  failure,
  success,
  taskResultSchema,
  taskText,
  toolCallSchema,
  toolContent,
  toTaskResult,
  walletSchema,
  walletText,
} from './results';
import { isRunning, waitForTask } from './task-wait';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface MarketplaceToolsOptions {
  /** Runs GraphQL as the MCP caller. */
  call: GraphQLCaller;
  log: Logger;
}

const waitShape = {
  wait: z
    .boolean()
    .default(true)
    .describe(
      'Wait for the task to finish or to ask for input (default true); false returns at once.',
    ),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(300)
    .default(60)
    .describe(
      'Longest wait, 1-300 s (default 60); the task keeps running afterwards, follow it with get_task. ' +
        'Give your MCP client a request timeout above this, or a progress token.',
    ),
};

const taskIdShape = { taskId: z.string().min(1).describe('The task id that send_task returned.') };

/** The marketplace operations as MCP tools; each one is a GraphQL operation run as the caller. */
export function registerMarketplaceTools(
  server: McpServer,
  { call, log }: MarketplaceToolsOptions,
) {
  /** Every tool body runs here: a GraphQL error or a bug becomes an isError result. */
  const guarded =
    <A>(name: string, body: (args: A, extra: Extra) => Promise<CallToolResult>) =>
    async (args: A, extra: Extra): Promise<CallToolResult> => {
      try {
        return await body(args, extra);
      } catch (err) {
        if (!(err instanceof ToolError)) log.error({ err, tool: name }, 'MCP tool failed');
        return failure(err);
      }
    };

  server.registerTool(
    'search_agents',
    {
      title: 'Search agents',
      description:
        'Searches the published AI agents of the Agentry marketplace by full text (names, tags, skills, ' +
        'descriptions; web-search syntax: "quotes", -not, or), category and tag. Returns each agent with ' +
        'its id (for send_task), price in credits per task, rating, provider and availability; ' +
        'available agents come first.',
      inputSchema: {
        query: z
          .string()
          .max(500)
          .optional()
          .describe('Full-text search; omit to list newest first.'),
        category: z.string().optional().describe('Only this category, e.g. "research".'),
        tag: z.string().optional().describe('Only agents with this tag.'),
        first: z
          .number()
          .int()
          .min(1)
          .max(50)
          .optional()
          .describe('How many agents (1-50, default 10).'),
        include_unavailable: z
          .boolean()
          .optional()
          .describe(
            'Also list agents whose card stopped answering (after the available ones). Default true; false leaves them out.',
          ),
      },
      outputSchema: { totalCount: z.number().int(), agents: z.array(agentSummarySchema) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded('search_agents', async ({ query, category, tag, first, include_unavailable }) => {
      const data = await call<{
        agents: { totalCount: number; edges: { node: AgentSummaryData }[] };
      }>(SEARCH_AGENTS, {
        search: query,
        category,
        tag,
        first: first ?? 10,
        includeUnavailable: include_unavailable ?? true,
      });
      const agents = data.agents.edges.map((e) => e.node);
      const text = agents.length
        ? `${data.agents.totalCount} agent(s) match; showing ${agents.length}:\n${agents.map(agentLine).join('\n')}`
        : 'No published agent matches.';
      return success({ totalCount: data.agents.totalCount, agents }, text);
    }),
  );

  server.registerTool(
    'get_agent',
    {
      title: 'Get an agent',
      description:
        'One agent of the marketplace by id or by slug (exactly one of them), with its skills, ' +
        'capabilities, price and rating.',
      inputSchema: {
        id: z.string().min(1).optional().describe('The agent id.'),
        slug: z.string().min(1).optional().describe('The agent slug, e.g. "echo".'),
      },
      outputSchema: { agent: agentSchema },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded('get_agent', async ({ id, slug }) => {
      if ((id === undefined) === (slug === undefined))
        throw new ToolError('BAD_USER_INPUT', 'Pass exactly one of id or slug.');
      const data = await call<{ agent: AgentData | null }>(GET_AGENT, { id, slug });
      if (!data.agent)
        throw new ToolError('NOT_FOUND', `No agent with ${id ? `id ${id}` : `slug ${slug}`}.`);
      return success({ agent: data.agent }, agentText(data.agent));
    }),
  );

  /** The task after `start`, waited for when asked; the result names the task even on failure. */
  async function runAndWait(
    start: () => Promise<TaskData>,
    { wait, timeoutSeconds }: { wait: boolean; timeoutSeconds: number },
    extra: Extra,
  ): Promise<CallToolResult> {
    // Answer a little early: a client whose own request timeout equals timeoutSeconds (the SDK's
    // default is 60 s, like ours) then still gets the task instead of a timeout error.
    const deadline = Date.now() + timeoutSeconds * 1000 - (timeoutSeconds >= 5 ? 1000 : 0);
    const initial = await start();
    let task = initial;
    let note: string | undefined;
    if (wait && isRunning(task.state)) {
      const progressToken = extra._meta?.progressToken;
      try {
        const waited = await waitForTask(call, initial, {
          deadline,
          signal: extra.signal,
          onProgress:
            progressToken === undefined
              ? undefined
              : (t, elapsedMs) =>
                  extra.sendNotification({
                    method: 'notifications/progress',
                    params: {
                      progressToken,
                      progress: Math.round(elapsedMs / 100) / 10,
                      total: timeoutSeconds,
                      message: `Task ${t.id} is ${t.state} (${t.messages.length} message(s), ${t.artifacts.length} artifact(s)).`,
                    },
                  }),
        });
        task = waited.task;
        if (waited.timedOut)
          note = `Still ${task.state} after ${timeoutSeconds} s; the task goes on — follow it with get_task {taskId: "${task.id}"}.`;
      } catch (err) {
        return failure(err, `(task ${initial.id} was sent; follow it with get_task.)`);
      }
    }
    const result = toTaskResult(task);
    return success(result, taskText(result, note));
  }

  server.registerTool(
    'send_task',
    {
      title: 'Hire an agent',
      description:
        "Sends a task to an agent: the agent's price is held on your wallet (INSUFFICIENT_CREDITS if you " +
        'cannot pay) and charged when the task completes, released if it fails or is canceled. By default ' +
        'waits until the task completes, fails, or the agent asks for input (INPUT_REQUIRED: answer with ' +
        "reply_to_task). Returns the task's state, the conversation, the artifacts and the cost.",
      inputSchema: {
        agentId: z.string().min(1).describe('The agent id (from search_agents or get_agent).'),
        text: z.string().min(1).max(100_000).describe('What you ask the agent.'),
        ...waitShape,
      },
      outputSchema: taskResultSchema.shape,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
    guarded('send_task', async ({ agentId, text, wait, timeoutSeconds }, extra) =>
      runAndWait(
        async () =>
          (
            await call<{ sendTask: TaskData }>(
              SEND_TASK,
              { agentId, input: { text } },
              extra.signal,
            )
          ).sendTask,
        { wait, timeoutSeconds },
        extra,
      ),
    ),
  );

  server.registerTool(
    'get_task',
    {
      title: 'Get a task',
      description:
        'One of your tasks as it is now (no waiting): state, conversation, artifacts, cost and error.',
      inputSchema: taskIdShape,
      outputSchema: taskResultSchema.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded('get_task', async ({ taskId }, extra) => {
      const data = await call<{ task: TaskData | null }>(GET_TASK, { id: taskId }, extra.signal);
      if (!data.task) throw new ToolError('NOT_FOUND', `Task ${taskId} was not found.`);
      const result = toTaskResult(data.task);
      return success(result, taskText(result));
    }),
  );

  server.registerTool(
    'reply_to_task',
    {
      title: 'Answer an agent',
      description:
        'Answers a task that waits for your input (INPUT_REQUIRED), in the same conversation, then waits ' +
        'like send_task.',
      inputSchema: {
        ...taskIdShape,
        text: z.string().min(1).max(100_000).describe('Your answer.'),
        ...waitShape,
      },
      outputSchema: taskResultSchema.shape,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
    guarded('reply_to_task', async ({ taskId, text, wait, timeoutSeconds }, extra) =>
      runAndWait(
        async () =>
          (
            await call<{ replyToTask: TaskData }>(
              REPLY_TO_TASK,
              { taskId, input: { text } },
              extra.signal,
            )
          ).replyToTask,
        { wait, timeoutSeconds },
        extra,
      ),
    ),
  );

  server.registerTool(
    'cancel_task',
    {
      title: 'Cancel a task',
      description:
        'Cancels one of your running tasks at its agent; the credits held for it are released.',
      inputSchema: taskIdShape,
      outputSchema: taskResultSchema.shape,
      annotations: {
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: true,
        openWorldHint: true,
      },
    },
    guarded('cancel_task', async ({ taskId }, extra) => {
      const data = await call<{ cancelTask: TaskData }>(CANCEL_TASK, { taskId }, extra.signal);
      const result = toTaskResult(data.cancelTask);
      return success(result, taskText(result));
    }),
  );

  server.registerTool(
    'call_tool',
    {
      title: 'Call a marketplace MCP tool',
      description:
        'Calls a tool of an MCP tool server registered on Agentry (you need access to it). Returns the ' +
        "tool's own result: its content, structured content and duration.",
      inputSchema: {
        serverId: z.string().min(1).describe('The tool server id.'),
        name: z.string().min(1).describe('The tool name.'),
        arguments: z
          .record(z.string(), z.unknown())
          .optional()
          .describe("The tool's arguments, as its input schema describes them."),
      },
      outputSchema: toolCallSchema.shape,
      annotations: { readOnlyHint: false, openWorldHint: true },
    },
    guarded('call_tool', async ({ serverId, name, arguments: args }, extra) => {
      const data = await call<{ callTool: ToolResultData }>(
        CALL_TOOL,
        { serverId, name, arguments: args ?? {} },
        extra.signal,
      );
      const r = data.callTool;
      return {
        ...(r.isError && { isError: true }),
        content: toolContent(r),
        structuredContent: { ...r },
      };
    }),
  );

  server.registerTool(
    'my_wallet',
    {
      title: 'My wallet',
      description:
        'Your credits: balance, what is held for running tasks, and what is available for new ones.',
      inputSchema: {},
      outputSchema: walletSchema.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded('my_wallet', async (_args, extra) => {
      const data = await call<{ me: { wallet: WalletData } | null }>(MY_WALLET, {}, extra.signal);
      if (!data.me) throw new ToolError('UNAUTHENTICATED', 'Sign in or pass an API key.');
      return success({ ...data.me.wallet }, walletText(data.me.wallet));
    }),
  );
}
