import { publishEvents } from '@agentry/events';
import type { Db } from '@agentry/subgraph-kit';

/** What one `callTool` did, as recorded in tasks.tool_invocations. */
export interface ToolInvocation {
  id: string;
  serverId: string;
  toolName: string;
  callerId: string;
  /** The server's owner (who is paid for a priced call). */
  ownerId: string;
  startedAt: Date;
  durationMs: number;
  outcome: 'OK' | 'TOOL_ERROR' | 'TIMEOUT' | 'UNREACHABLE' | 'FAILED';
  error: string | null;
  priceCredits: number;
  charged: boolean;
}

/**
 * Records an invocation; for a priced call, with the `tool.call_settled` event from which
 * billing captures or releases the hold, exactly once (same transaction).
 */
export async function recordInvocation(db: Db, i: ToolInvocation): Promise<void> {
  await db.transaction(async (m) => {
    await m.query(
      `INSERT INTO tasks.tool_invocations
         (id, server_id, tool_name, caller_id, started_at, duration_ms, outcome, error, price_credits, charged)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        i.id,
        i.serverId,
        i.toolName,
        i.callerId,
        i.startedAt,
        i.durationMs,
        i.outcome,
        i.error,
        i.priceCredits,
        i.charged,
      ],
    );
    if (i.priceCredits > 0) {
      await publishEvents(m, [
        {
          topic: 'tool.call_settled',
          key: i.id,
          payload: {
            invocationId: i.id,
            callerId: i.callerId,
            ownerId: i.ownerId,
            serverId: i.serverId,
            toolName: i.toolName,
            charged: i.charged,
          },
        },
      ]);
    }
  });
}

export interface ToolStatsRow {
  /** `<serverId>:<name>`, the Tool's id. */
  id: string;
  calls: number;
  errors: number;
  p50: number | null;
  p95: number | null;
}

/** Calls, errors and latency percentiles per tool over the last `windowMinutes`, one query. */
export async function toolStats(
  db: Db,
  tools: { serverId: string; name: string }[],
  windowMinutes: number,
): Promise<ToolStatsRow[]> {
  if (!tools.length) return [];
  return db.query(
    `SELECT i.server_id || ':' || i.tool_name AS id, count(*)::int AS calls,
            count(*) FILTER (WHERE i.outcome <> 'OK')::int AS errors,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY i.duration_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY i.duration_ms) AS p95
       FROM tasks.tool_invocations i
       JOIN unnest($1::uuid[], $2::text[]) AS k(server_id, name)
         ON i.server_id = k.server_id AND i.tool_name = k.name
      WHERE i.started_at > now() - $3 * interval '1 minute'
      GROUP BY 1`,
    [tools.map((t) => t.serverId), tools.map((t) => t.name), windowMinutes],
  );
}
