import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode, type Logger } from '@agentry/core';
import { startConsumer, type StoredEvent } from '@agentry/events';
import { isUuid, type SubgraphDeps } from '@agentry/subgraph-kit';
import { capture, holdState, release } from './ledger';

export const SETTLEMENT_CONSUMER = 'billing.task-settlement';
export const SETTLEMENT_TOPICS = ['task.completed', 'task.state_changed', 'tool.call_settled'];

/** Terminal states that mean the requester pays nothing. */
const RELEASING_STATES = new Set(['FAILED', 'CANCELED', 'REJECTED']);
const TASK_STATES = new Set([
  'SUBMITTED',
  'WORKING',
  'INPUT_REQUIRED',
  'AUTH_REQUIRED',
  'COMPLETED',
  ...RELEASING_STATES,
]);

/**
 * Database errors worth retrying the whole batch for (connection, deadlock, serialization,
 * resources, shutdown): the event is applied on the next attempt. Every other failure is
 * specific to the event and would fail forever, so it is logged and skipped.
 */
const isTransient = (err: unknown) => {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^(08|40|53|57|58)/.test(code);
};

/**
 * Runs one step in a savepoint of the consumer's transaction: a failure undoes that step only,
 * the offset still advances, and the consumer never stalls on one event.
 */
async function step(
  manager: EntityManager,
  log: Logger,
  event: StoredEvent,
  what: string,
  work: (m: EntityManager) => Promise<void>,
) {
  try {
    await manager.transaction(work);
  } catch (err) {
    if (isTransient(err)) throw err;
    const context = { eventId: event.id, topic: event.topic, taskId: event.key };
    const code = err instanceof AppError ? err.extensions.code : null;
    if (code === ErrorCode.NOT_FOUND) log.debug(context, `${what}: the task held no credits`);
    else if (code === ErrorCode.CONFLICT || code === ErrorCode.BAD_USER_INPUT)
      log.warn({ ...context, reason: (err as Error).message }, `${what} skipped`);
    else log.error({ ...context, err }, `${what} failed; event skipped`);
  }
}

/** Remembers that the task exists (the orphan sweeper leaves holds of seen tasks alone). */
async function markSeen(m: EntityManager, taskId: string, state: string, sequence: number | null) {
  await m.query(
    `INSERT INTO billing.tasks_seen AS s (task_id, state, sequence) VALUES ($1, $2, $3)
     ON CONFLICT (task_id) DO UPDATE SET state = excluded.state, sequence = excluded.sequence,
       updated_at = now()
     WHERE s.sequence IS NULL OR excluded.sequence IS NULL OR s.sequence <= excluded.sequence`,
    [taskId, state, sequence],
  );
}

type Payload = Record<string, unknown> | null | undefined;

/**
 * Applies one task event to the ledger, exactly once (the ledger is keyed by task, so even a
 * replayed event moves nothing twice).
 */
export async function settleTaskEvent(
  event: StoredEvent<Payload>,
  manager: EntityManager,
  log: Logger,
  feeBasisPoints: number,
) {
  const p = event.payload ?? {};
  if (event.topic === 'tool.call_settled')
    return settleToolCall(event, p, manager, log, feeBasisPoints);
  const taskId = p.taskId;
  if (!isUuid(taskId)) {
    log.warn(
      { eventId: event.id, topic: event.topic },
      'task event without a valid taskId skipped',
    );
    return;
  }
  if (event.topic === 'task.state_changed') {
    const state = p.state;
    if (typeof state !== 'string' || !TASK_STATES.has(state)) {
      log.warn({ eventId: event.id, taskId }, 'task.state_changed with an unknown state skipped');
      return;
    }
    const sequence = Number.isSafeInteger(p.sequence) ? (p.sequence as number) : null;
    await step(manager, log, event, 'recording the task state', (m) =>
      markSeen(m, taskId.toLowerCase(), state, sequence),
    );
    if (RELEASING_STATES.has(state)) {
      await step(manager, log, event, 'releasing the hold', async (m) => {
        await release(m, { taskId, reason: `Task ${state.toLowerCase()}` });
      });
    }
    return;
  }
  if (event.topic === 'task.completed') {
    const { providerId, requesterId } = p;
    if (!isUuid(providerId)) {
      log.warn({ eventId: event.id, taskId }, 'task.completed without a valid providerId skipped');
      return;
    }
    await step(manager, log, event, 'capturing the hold', async (m) => {
      const held = await holdState(m, taskId);
      // Paid by someone else than the requester: not this task's hold; take nobody's money.
      if (held && isUuid(requesterId) && held.userId !== requesterId.toLowerCase()) {
        log.error(
          { eventId: event.id, taskId, holder: held.userId, requesterId },
          'the hold of a completed task is on another wallet than the requester; not captured',
        );
        return;
      }
      await capture(m, { taskId, payeeId: providerId, feeBasisPoints });
    });
  }
}

/**
 * A paid MCP tool call, held under its invocation id: captured (payout to the tool server's
 * owner, fee to the platform) when the call succeeded, released when it failed or timed out.
 */
async function settleToolCall(
  event: StoredEvent<Payload>,
  p: Record<string, unknown>,
  manager: EntityManager,
  log: Logger,
  feeBasisPoints: number,
) {
  const { invocationId, ownerId, charged } = p;
  if (!isUuid(invocationId) || !isUuid(ownerId) || typeof charged !== 'boolean') {
    log.warn({ eventId: event.id, topic: event.topic }, 'malformed tool.call_settled skipped');
    return;
  }
  await step(manager, log, event, 'recording the tool call', (m) =>
    markSeen(m, invocationId.toLowerCase(), charged ? 'COMPLETED' : 'FAILED', null),
  );
  await step(
    manager,
    log,
    event,
    charged ? 'capturing the tool call' : 'releasing the tool call',
    (m) =>
      charged
        ? capture(m, { taskId: invocationId, payeeId: ownerId, feeBasisPoints }).then(
            () => undefined,
          )
        : release(m, { taskId: invocationId, reason: 'Tool call failed' }).then(() => undefined),
  );
}

/**
 * Settles tasks from the events log: task.completed captures the hold (PAYOUT to the agent's
 * provider, FEE to the platform), FAILED / CANCELED / REJECTED release it. Runs in the
 * consumer's transaction, so the money moves and the offset advances together.
 */
export function startSettlementConsumer(deps: SubgraphDeps, feeBasisPoints: number) {
  return startConsumer({
    name: SETTLEMENT_CONSUMER,
    topics: SETTLEMENT_TOPICS,
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: (event: StoredEvent<Payload>, manager: EntityManager) =>
      settleTaskEvent(event, manager, deps.log, feeBasisPoints),
  });
}
