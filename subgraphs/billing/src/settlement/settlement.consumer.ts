import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode, type Logger } from '@agentry/core';
import { startConsumer, type PayloadOf, type StoredEvent } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';
import { capture, holdState, release } from '../ledger/ledger.store';
import { markSeen } from './tasks-seen.store';

export const SETTLEMENT_CONSUMER = 'billing.task-settlement';
const SETTLEMENT_TOPICS = ['task.completed', 'task.state_changed', 'tool.call_settled'] as const;
type SettlementEvent = StoredEvent<(typeof SETTLEMENT_TOPICS)[number]>;

/** Terminal states that mean the requester pays nothing. */
const RELEASING_STATES = new Set<string>(['FAILED', 'CANCELED', 'REJECTED']);

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
  event: SettlementEvent,
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

/**
 * Applies one task event to the ledger, exactly once (the ledger is keyed by task, so even a
 * replayed event moves nothing twice).
 */
async function settleTaskEvent(
  event: SettlementEvent,
  manager: EntityManager,
  log: Logger,
  feeBasisPoints: number,
) {
  switch (event.topic) {
    case 'tool.call_settled':
      return settleToolCall(event, event.payload, manager, log, feeBasisPoints);
    case 'task.state_changed': {
      const { taskId, state, sequence } = event.payload;
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
    case 'task.completed': {
      const { taskId, providerId, requesterId } = event.payload;
      await step(manager, log, event, 'capturing the hold', async (m) => {
        const held = await holdState(m, taskId);
        // Paid by someone else than the requester: not this task's hold; take nobody's money.
        if (held && held.userId !== requesterId.toLowerCase()) {
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
}

/**
 * A paid MCP tool call, held under its invocation id: captured (payout to the tool server's
 * owner, fee to the platform) when the call succeeded, released when it failed or timed out.
 */
async function settleToolCall(
  event: SettlementEvent,
  p: PayloadOf<'tool.call_settled'>,
  manager: EntityManager,
  log: Logger,
  feeBasisPoints: number,
) {
  const { invocationId, ownerId, charged } = p;
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
    handle: (event, manager) => settleTaskEvent(event, manager, deps.log, feeBasisPoints),
  });
}
