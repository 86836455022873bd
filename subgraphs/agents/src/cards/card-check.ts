import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import { publishEvents } from '@agentry/events';
import type { Agent } from '../agent/agent.entity';
import { agentEvent } from '../agent/agent.events';
import type { AgentFields } from '../agent/agent-fields';
import { lockAgent, updateAgentRow, type AgentValues } from '../agent/agent.store';
import type { Check } from '../shared/refresher';

/** The fields an agent's card determines; a refresh changes only these. */
export const CARD_FIELDS = [
  'name',
  'description',
  'url',
  'version',
  'skills',
  'capabilities',
  'defaultInputModes',
  'defaultOutputModes',
  'protocolVersion',
] as const satisfies readonly (keyof AgentFields)[];
export type CardFields = Pick<AgentFields, (typeof CARD_FIELDS)[number]>;

/** What reading an agent's card came to. */
export type CardCheck = Check<CardFields>;

/** The longest reason stored for a failed check (the column allows this much). */
const CARD_ERROR_MAX = 500;

const now = () => 'now()';

/**
 * Records a card check: a good card updates the card-derived fields and marks the agent available
 * and seen; a failed one marks it unavailable with the reason, keeping the last good fields.
 * Publishes `agent.updated` when asked to always (a refresh someone asked for) or when anything
 * an event carries may have changed (the periodic refresher stays quiet about unchanged cards).
 * Null when the agent no longer has a card URL.
 */
export async function recordCardCheck(
  m: EntityManager,
  id: string,
  check: CardCheck,
  { publish }: { publish: 'always' | 'onChange' },
): Promise<Agent | null> {
  const current = await lockAgent(m, id, { withCard: true });
  if (!current) return null;
  let values: AgentValues;
  let changed: boolean;
  if (check.ok) {
    const differs = CARD_FIELDS.filter((f) => !isDeepStrictEqual(current[f], check.value[f]));
    const cardValues: Partial<CardFields> = Object.fromEntries(
      differs.map((f) => [f, check.value[f]]),
    );
    values = { ...cardValues, available: true, lastSeenAt: now, cardError: null };
    changed = differs.length > 0 || !current.available;
  } else {
    values = { available: false, cardError: check.error.slice(0, CARD_ERROR_MAX) };
    changed = current.available;
  }
  const agent = await updateAgentRow(m, id, {
    ...values,
    cardCheckedAt: now,
    ...(changed ? { updatedAt: now } : {}),
  });
  if (changed || publish === 'always') {
    await publishEvents(m, [agentEvent('agent.updated', agent)]);
  }
  return agent;
}
