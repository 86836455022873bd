import { randomUUID } from 'node:crypto';
import {
  Arg,
  Ctx,
  Directive,
  Field,
  FieldResolver,
  Float,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { AppError, ErrorCode, badInput, forbidden, notFound } from '@agentry/core';
import { publishEvents } from '@agentry/events';
import {
  connectToolServer,
  validateToolArguments,
  type ToolCallResult,
  type ToolContent,
} from '@agentry/mcp-adapter';
import { byKeys, isAdmin, isUuid, requireUser } from '@agentry/subgraph-kit';
import type { TasksContext } from '../context';

export enum ToolContentKind {
  TEXT = 'TEXT',
  IMAGE = 'IMAGE',
  AUDIO = 'AUDIO',
  RESOURCE = 'RESOURCE',
  RESOURCE_LINK = 'RESOURCE_LINK',
}
registerEnumType(ToolContentKind, {
  name: 'ToolContentKind',
  description: 'What a piece of MCP content is.',
});

@ObjectType({ description: 'One piece of what a tool returned (MCP content).' })
export class ToolContentItem {
  @Field(() => ToolContentKind)
  kind!: ToolContentKind;
  @Field(() => String, { nullable: true })
  text?: string;
  @Field(() => String, { nullable: true, description: 'Base64, for images and audio.' })
  data?: string;
  @Field(() => String, { nullable: true })
  mimeType?: string;
  @Field(() => String, { nullable: true })
  uri?: string;
  @Field(() => String, { nullable: true })
  name?: string;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'An embedded resource: {uri, mimeType, text | blob}.',
  })
  resource?: unknown;
}

@ObjectType({ description: 'The result of one MCP tool call.' })
export class ToolResult {
  @Field(() => ID, { description: 'The recorded invocation.' })
  invocationId!: string;
  @Field({ description: 'The tool ran but reported an error (MCP `isError`); nothing is charged.' })
  isError!: boolean;
  @Field(() => [ToolContentItem])
  content!: ToolContentItem[];
  @Field(() => GraphQLJSON, { nullable: true })
  structuredContent?: unknown;
  @Field(() => Int)
  durationMs!: number;
  @Field(() => Int, { description: 'Credits charged for this call.' })
  costCredits!: number;
}

@ObjectType({ description: 'The content of an MCP resource.' })
export class ResourceContentItem {
  @Field()
  uri!: string;
  @Field(() => String, { nullable: true })
  mimeType?: string;
  @Field(() => String, { nullable: true })
  text?: string;
  @Field(() => String, { nullable: true, description: 'Base64.' })
  blob?: string;
}

@ObjectType({ description: 'How a tool performed over a window of time.' })
export class ToolStats {
  @Field(() => Int)
  windowMinutes!: number;
  @Field(() => Int)
  calls!: number;
  @Field(() => Int, { description: 'Calls that failed, timed out, or returned isError.' })
  errors!: number;
  @Field(() => Float, { nullable: true })
  p50Ms!: number | null;
  @Field(() => Float, { nullable: true })
  p95Ms!: number | null;
}

/** The agents subgraph's Tool (id `<serverId>:<name>`); this subgraph adds its stats. */
@Directive('@key(fields: "id")')
@ObjectType('Tool')
export class ToolRef {
  @Field(() => ID)
  id!: string;
}

export const toolReference = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
};

interface ServerRow {
  id: string;
  ownerId: string;
  url: string;
  public: boolean;
}

/** The server, if the caller may use `tool` on it (any tool when `tool` is null). */
async function usableServer(ctx: TasksContext, serverId: string, tool: string | null) {
  const userId = requireUser(ctx, 'tools:call');
  if (!isUuid(serverId))
    throw badInput('serverId must be a tool server id.', { argument: 'serverId' });
  const [server]: ServerRow[] = await ctx.db.query(
    'SELECT id, owner_id AS "ownerId", url, public FROM tasks.tool_servers WHERE id = $1',
    [serverId],
  );
  if (!server) throw notFound('Tool server', serverId);
  if (server.ownerId === userId || server.public || isAdmin(ctx)) return { server, userId };
  const [grant] = await ctx.db.query(
    'SELECT tools FROM tasks.tool_grants WHERE server_id = $1 AND user_id = $2',
    [serverId, userId],
  );
  const allowed =
    grant && (grant.tools === null || tool === null ? true : grant.tools.includes(tool));
  if (!allowed) throw forbidden('You have no access to this tool; ask its owner for a grant.');
  return { server, userId };
}

const toItem = (c: ToolContent): ToolContentItem => ({ ...c, kind: c.kind as ToolContentKind });

/** What an adapter error means for the invocation record. */
function outcomeOf(err: unknown): 'TIMEOUT' | 'UNREACHABLE' | 'FAILED' {
  const code = err instanceof AppError ? err.extensions.code : undefined;
  if (code === ErrorCode.TIMEOUT) return 'TIMEOUT';
  if (code === ErrorCode.TOOL_UNREACHABLE) return 'UNREACHABLE';
  return 'FAILED';
}

@Resolver(() => ToolRef)
export class ToolCallResolver {
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
    const [tool] = await ctx.db.query(
      'SELECT input_schema AS "inputSchema", price_credits AS "priceCredits" FROM tasks.tools WHERE server_id = $1 AND name = $2',
      [serverId, name],
    );
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
    if (price > 0) await services.billing.hold(ctx.identityToken, invocationId, price);

    const startedAt = new Date();
    let result: ToolCallResult | null = null;
    let failure: unknown = null;
    try {
      const connection = await connectToolServer(server.url, {
        allowPrivate: services.env.allowPrivateUrls,
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
    const outcome = failure ? outcomeOf(failure) : result!.isError ? 'TOOL_ERROR' : 'OK';
    const charged = outcome === 'OK' && price > 0;
    await ctx.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO tasks.tool_invocations
           (id, server_id, tool_name, caller_id, started_at, duration_ms, outcome, error, price_credits, charged)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          invocationId,
          serverId,
          name,
          userId,
          startedAt,
          durationMs,
          outcome,
          failure instanceof Error ? failure.message.slice(0, 1000) : null,
          price,
          charged,
        ],
      );
      if (price > 0) {
        // Billing captures or releases the hold from this event, exactly once.
        await publishEvents(m, [
          {
            topic: 'tool.call_settled',
            key: invocationId,
            payload: {
              invocationId,
              callerId: userId,
              ownerId: server.ownerId,
              serverId,
              toolName: name,
              charged,
            },
          },
        ]);
      }
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

  @Query(() => [ResourceContentItem], {
    description: 'Reads a resource of an MCP tool server you may use.',
  })
  async readResource(
    @Arg('serverId', () => ID) serverId: string,
    @Arg('uri') uri: string,
    @Ctx() ctx: TasksContext,
  ): Promise<ResourceContentItem[]> {
    if (uri.length > 2048) throw badInput('uri is too long.', { argument: 'uri' });
    const { server } = await usableServer(ctx, serverId, null);
    const { services } = ctx;
    const connection = await connectToolServer(server.url, {
      allowPrivate: services.env.allowPrivateUrls,
    });
    try {
      return await connection.readResource(uri, { timeoutMs: services.env.TOOL_CALL_TIMEOUT_MS });
    } finally {
      await connection.close().catch(() => {});
    }
  }

  @FieldResolver(() => ToolStats, {
    description: 'Calls, errors and latency of this tool over a window (default 24 h).',
  })
  stats(
    @Root() tool: ToolRef,
    @Arg('windowMinutes', () => Int, { defaultValue: 1440 }) windowMinutes: number,
    @Ctx() ctx: TasksContext,
  ) {
    if (!Number.isSafeInteger(windowMinutes) || windowMinutes < 1 || windowMinutes > 60 * 24 * 90)
      throw badInput('windowMinutes must be 1 to 129600.', { argument: 'windowMinutes' });
    return ctx
      .loader<string, ToolStats>(`toolStats:${windowMinutes}`, async (ids) => {
        const keys = ids.map((id) => {
          const i = id.indexOf(':');
          return { id, serverId: id.slice(0, i), name: id.slice(i + 1) };
        });
        const valid = keys.filter((k) => isUuid(k.serverId));
        const rows: {
          id: string;
          calls: number;
          errors: number;
          p50: number | null;
          p95: number | null;
        }[] = valid.length
          ? await ctx.db.query(
              `SELECT i.server_id || ':' || i.tool_name AS id, count(*)::int AS calls,
                        count(*) FILTER (WHERE i.outcome <> 'OK')::int AS errors,
                        percentile_cont(0.5) WITHIN GROUP (ORDER BY i.duration_ms) AS p50,
                        percentile_cont(0.95) WITHIN GROUP (ORDER BY i.duration_ms) AS p95
                   FROM tasks.tool_invocations i
                   JOIN unnest($1::uuid[], $2::text[]) AS k(server_id, name)
                     ON i.server_id = k.server_id AND i.tool_name = k.name
                  WHERE i.started_at > now() - $3 * interval '1 minute'
                  GROUP BY 1`,
              [valid.map((k) => k.serverId), valid.map((k) => k.name), windowMinutes],
            )
          : [];
        const found = byKeys(ids, rows, (r) => r.id);
        return found.map((r) => ({
          windowMinutes,
          calls: r?.calls ?? 0,
          errors: r?.errors ?? 0,
          p50Ms: r?.p50 ?? null,
          p95Ms: r?.p95 ?? null,
        }));
      })
      .load(tool.id);
  }
}
