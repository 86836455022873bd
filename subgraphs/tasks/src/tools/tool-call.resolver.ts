import { randomUUID } from 'node:crypto';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { Scope } from '@agentry/subgraph-kit';
import { GraphQLJSON } from 'graphql-scalars';
import { AppError, ErrorCode, badInput, notFound } from '@agentry/core';
import {
  connectToolServer,
  validateToolArguments,
  type ToolCallResult,
  type ToolContent,
} from '@agentry/mcp-adapter';
import type { TasksContext } from '../context';
import { findTool } from '../projections/tool-server-projection.store';
import { urlLabel, usableServer } from './tool.access';
import { recordInvocation, type ToolInvocation } from './tool-invocation.store';
import { ToolResult, type ToolContentItem, type ToolContentKind } from './tool-result.type';

const toItem = (c: ToolContent): ToolContentItem => ({ ...c, kind: c.kind as ToolContentKind });

/** What an adapter error means for the invocation record. */
function outcomeOf(err: unknown): 'TIMEOUT' | 'UNREACHABLE' | 'FAILED' {
  const code = err instanceof AppError ? err.extensions.code : undefined;
  if (code === ErrorCode.TIMEOUT) return 'TIMEOUT';
  if (code === ErrorCode.TOOL_UNREACHABLE) return 'UNREACHABLE';
  return 'FAILED';
}

@Resolver()
export class ToolCallResolver {
  @Scope('tools:call')
  @Mutation(() => ToolResult, {
    description:
      "Calls an MCP tool you may use. The arguments are checked against the tool's input schema first (BAD_USER_INPUT, and no call, if they do not fit); a priced tool is charged once, only when it succeeds.",
  })
  async callTool(
    @Arg('serverId', () => ID) serverId: string,
    @Arg('name') name: string,
    // Checked against the tool's own JSON schema below, not by class-validator.
    @Arg('arguments', () => GraphQLJSON, { nullable: true, validate: false }) args: unknown,
    @Ctx() ctx: TasksContext,
  ): Promise<ToolResult> {
    if (name.length > 200) throw badInput('name is too long.', { argument: 'name' });
    const { server, userId } = await usableServer(ctx, serverId, name);
    const tool = await findTool(ctx.db, serverId, name);
    if (!tool) throw notFound('Tool', name);
    const input = args ?? {};
    if (typeof input !== 'object' || Array.isArray(input))
      throw badInput('arguments must be a JSON object.', { argument: 'arguments' });
    const checked = validateToolArguments(tool.inputSchema, input);
    if (!checked.ok) {
      throw badInput(
        `The arguments do not fit the tool's input schema: ${checked.errors.join('; ')}`,
        {
          argument: 'arguments',
          schemaErrors: checked.errors,
        },
      );
    }
    const { services } = ctx;
    const invocationId = randomUUID();
    // The owner uses their own tools for free.
    const price: number = server.ownerId === userId ? 0 : tool.priceCredits;
    if (price > 0) await services.billing.hold(ctx.identityToken, invocationId, price, 'toolCall');

    const startedAt = new Date();
    let result: ToolCallResult | null = null;
    let failure: unknown = null;
    try {
      const connection = await connectToolServer(server.url, {
        allowPrivate: services.env.allowPrivateUrls,
        label: urlLabel(ctx, server),
      });
      try {
        result = await connection.callTool(name, input as Record<string, unknown>, {
          timeoutMs: services.env.TOOL_CALL_TIMEOUT_MS,
          maxTotalTimeoutMs: services.env.TOOL_CALL_MAX_TOTAL_MS,
        });
      } finally {
        await connection.close().catch(() => {});
      }
    } catch (err) {
      failure = err;
    }
    const durationMs = Date.now() - startedAt.getTime();
    const outcome: ToolInvocation['outcome'] = failure
      ? outcomeOf(failure)
      : result!.isError
        ? 'TOOL_ERROR'
        : 'OK';
    const charged = outcome === 'OK' && price > 0;
    await recordInvocation(ctx.db, {
      id: invocationId,
      serverId,
      toolName: name,
      callerId: userId,
      ownerId: server.ownerId,
      startedAt,
      durationMs,
      outcome,
      error: failure instanceof Error ? failure.message.slice(0, 1000) : null,
      priceCredits: price,
      charged,
    });
    if (failure) throw failure;
    return {
      invocationId,
      isError: result!.isError,
      content: result!.content.map(toItem),
      structuredContent: result!.structuredContent ?? null,
      durationMs,
      costCredits: charged ? price : 0,
    };
  }
}
