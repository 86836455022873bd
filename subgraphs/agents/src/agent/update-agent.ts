import type { EntityManager } from 'typeorm';
import { forbidden, notFound } from '@agentry/core';
import { publishEvents } from '@agentry/events';
import type { Actor } from '../shared/actor';
import { type Agent, AgentStatus } from './agent.entity';
import { agentEvent } from './agent.events';
import type { AgentPatch } from './agent-fields';
import { lockAgent, updateAgentRow } from './agent.store';

/**
 * Who may change what: the provider changes anything but may not set or lift SUSPENDED; an admin
 * may set any status, and on another publisher's agent only the status.
 */
function authorize(current: Agent, actor: Actor, patch: AgentPatch) {
  const isProvider = current.providerId === actor.userId;
  if (!isProvider && !actor.admin)
    throw forbidden('Only the provider of this agent may change it.');
  if (!isProvider && Object.keys(patch).some((k) => k !== 'status')) {
    throw forbidden("Admins may only change the status of another publisher's agent.");
  }
  if (patch.status === undefined || patch.status === current.status || actor.admin) return;
  if (current.status === AgentStatus.SUSPENDED) {
    throw forbidden('This agent was suspended by an admin; only an admin can lift that.');
  }
  if (patch.status === AgentStatus.SUSPENDED) {
    throw forbidden('Only an admin can suspend an agent.');
  }
}

/** Applies a patch (the slug never changes) and publishes `agent.updated`, in the caller's transaction. */
export async function updateAgent(
  m: EntityManager,
  actor: Actor,
  id: string,
  patch: AgentPatch,
): Promise<Agent> {
  const current = await lockAgent(m, id);
  if (!current) throw notFound('Agent', id);
  authorize(current, actor, patch);
  const agent = await updateAgentRow(m, id, { ...patch, updatedAt: () => 'now()' });
  await publishEvents(m, [agentEvent('agent.updated', agent)]);
  return agent;
}
