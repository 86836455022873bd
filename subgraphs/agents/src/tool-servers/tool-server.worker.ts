import type { DataSource } from 'typeorm';
import type { Logger } from '@agentry/core';
import { forEachConcurrently, runPeriodically } from '@agentry/subgraph-kit';
import type { ToolServerSettings } from '../env';
import { checkToolServer } from './tool-server.describe';
import { ToolServerStatus } from './tool-server.entity';
import { recordToolServerCheck } from './tool-server.service';

/** Servers one round describes at most, and how many at once (a slow one holds only its slot). */
export const TOOL_ROUND_SIZE = 50;
export const TOOL_ROUND_CONCURRENCY = 4;

export interface ToolServerRoundResult {
  checked: number;
  online: number;
  unavailable: number;
}

/**
 * One round of the refresher: claims the least recently checked servers (stamping checked_at, so
 * a second process running a round at the same time takes others), describes them a few at a
 * time and records each outcome in its own transaction, publishing only what changed.
 */
export async function refreshToolServersOnce(
  dataSource: DataSource,
  settings: ToolServerSettings,
  log: Logger,
  { limit = TOOL_ROUND_SIZE, concurrency = TOOL_ROUND_CONCURRENCY } = {},
): Promise<ToolServerRoundResult> {
  // The UPDATE sits in a CTE so the driver hands back its rows, not a [rows, count] pair.
  const due: { id: string; url: string }[] = await dataSource.query(
    `WITH due AS (
         SELECT id FROM agents.tool_servers
          ORDER BY checked_at ASC NULLS FIRST, id
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE agents.tool_servers s SET checked_at = now() FROM due WHERE s.id = due.id
         RETURNING s.id, s.url
       )
       SELECT * FROM claimed`,
    [limit],
  );
  const result: ToolServerRoundResult = { checked: 0, online: 0, unavailable: 0 };
  await forEachConcurrently(due, concurrency, async (server) => {
    try {
      const check = await checkToolServer(server.url, settings);
      const saved = await dataSource.transaction((m) =>
        recordToolServerCheck(m, server.id, check, { publish: 'onChange' }),
      );
      if (!saved) return;
      result.checked++;
      if (saved.status === ToolServerStatus.ONLINE) result.online++;
      else result.unavailable++;
    } catch (err) {
      // One server's trouble (or a database hiccup) must not end the round for the others.
      log.error({ err, toolServerId: server.id }, 'tool server check failed');
    }
  });
  if (result.checked) log.info({ ...result }, 'tool servers refreshed');
  return result;
}

/**
 * Runs a round every `intervalMs` (0: never) on an unref'd timer; a round still running when the
 * next is due lets that one pass. Returns the stop function, which waits for a round in flight.
 */
export async function startToolServerRefresher({
  dataSource,
  log,
  settings,
  intervalMs,
}: {
  dataSource: DataSource;
  log: Logger;
  settings: ToolServerSettings;
  intervalMs: number;
}): Promise<() => Promise<void>> {
  return runPeriodically(
    intervalMs,
    () => refreshToolServersOnce(dataSource, settings, log),
    (err) => log.error({ err }, 'tool server round failed'),
  );
}
