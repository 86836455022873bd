import type { EntityManager } from 'typeorm';
import { conflict, forbidden, notFound } from '@agentry/core';
import { publishEvents } from '@agentry/events';
import { type Agent, type AgentCapabilities, type AgentSkill, AgentStatus } from './agent.entity';
import { AGENT_COLUMNS, toAgent } from './agent.sql';
import type {
  AgentCapabilitiesInput,
  AgentSkillInput,
  CreateAgentInput,
} from './create-agent.input';
import { slugBase, slugCandidate } from './slug';
import type { UpdateAgentInput } from './update-agent.input';

/**
 * An agent's fields after validation and normalisation. createAgent builds them from its input;
 * registerAgent will build them from a live A2A card and call the same functions.
 */
export interface AgentFields {
  name: string;
  description: string;
  url: string;
  version: string;
  skills: AgentSkill[];
  capabilities: AgentCapabilities;
  defaultInputModes: string[];
  defaultOutputModes: string[];
  category: string;
  tags: string[];
  priceCredits: number;
  status: AgentStatus;
}
export type AgentPatch = Partial<AgentFields>;

/** Who changes an agent. */
export interface Actor {
  userId: string;
  admin: boolean;
}

const DEFAULT_MODES = ['text/plain'];

const toSkills = (skills: AgentSkillInput[]): AgentSkill[] =>
  skills.map((s) => ({
    id: s.id,
    name: s.name.trim(),
    description: s.description ?? '',
    tags: s.tags ?? [],
    examples: s.examples ?? [],
  }));

const toCapabilities = (c: AgentCapabilitiesInput | null | undefined): AgentCapabilities => ({
  streaming: c?.streaming ?? false,
  pushNotifications: c?.pushNotifications ?? false,
  stateTransitionHistory: c?.stateTransitionHistory ?? false,
});

const uniq = (values: string[]) => [...new Set(values)];

export function fieldsFromCreateInput(input: CreateAgentInput): AgentFields {
  return {
    name: input.name.trim(),
    description: input.description ?? '',
    url: input.url,
    version: input.version.trim(),
    skills: toSkills(input.skills ?? []),
    capabilities: toCapabilities(input.capabilities),
    defaultInputModes: uniq(input.defaultInputModes ?? DEFAULT_MODES),
    defaultOutputModes: uniq(input.defaultOutputModes ?? DEFAULT_MODES),
    category: input.category,
    tags: uniq(input.tags ?? []),
    priceCredits: input.priceCredits,
    status: input.status ?? AgentStatus.PUBLISHED,
  };
}

/** Only the fields given; GraphQL `null` means "keep", since every field is required. */
export function patchFromUpdateInput(input: UpdateAgentInput): AgentPatch {
  const patch: AgentPatch = {};
  if (input.name != null) patch.name = input.name.trim();
  if (input.description != null) patch.description = input.description;
  if (input.url != null) patch.url = input.url;
  if (input.version != null) patch.version = input.version.trim();
  if (input.skills != null) patch.skills = toSkills(input.skills);
  if (input.capabilities != null) patch.capabilities = toCapabilities(input.capabilities);
  if (input.defaultInputModes != null) patch.defaultInputModes = uniq(input.defaultInputModes);
  if (input.defaultOutputModes != null) patch.defaultOutputModes = uniq(input.defaultOutputModes);
  if (input.category != null) patch.category = input.category;
  if (input.tags != null) patch.tags = uniq(input.tags);
  if (input.priceCredits != null) patch.priceCredits = input.priceCredits;
  if (input.status != null) patch.status = input.status;
  return patch;
}

/** The column of each patchable field, and how its value is bound. */
const COLUMNS: Record<keyof AgentFields, { column: string; cast: string; json?: boolean }> = {
  name: { column: 'name', cast: 'text' },
  description: { column: 'description', cast: 'text' },
  url: { column: 'url', cast: 'text' },
  version: { column: 'version', cast: 'text' },
  skills: { column: 'skills', cast: 'jsonb', json: true },
  capabilities: { column: 'capabilities', cast: 'jsonb', json: true },
  defaultInputModes: { column: 'default_input_modes', cast: 'text[]' },
  defaultOutputModes: { column: 'default_output_modes', cast: 'text[]' },
  category: { column: 'category', cast: 'text' },
  tags: { column: 'tags', cast: 'text[]' },
  priceCredits: { column: 'price_credits', cast: 'integer' },
  status: { column: 'status', cast: 'text' },
};

const bind = (field: keyof AgentFields, value: unknown) =>
  COLUMNS[field].json ? JSON.stringify(value) : value;

function agentEvent(topic: 'agent.created' | 'agent.updated', agent: Agent) {
  return {
    topic,
    key: agent.id,
    payload: {
      agentId: agent.id,
      providerId: agent.providerId,
      slug: agent.slug,
      name: agent.name,
      priceCredits: agent.priceCredits,
      status: agent.status,
      category: agent.category,
    },
  };
}

/** How many slug candidates one round checks; a name taken this often is rare. */
const SLUG_ROUND = 100;
const SLUG_ROUNDS = 10;

/**
 * Inserts an agent with the first free slug for its name and publishes `agent.created`, in the
 * caller's transaction. Two creators racing for one slug both succeed: the unique index makes
 * the loser's insert a no-op, and it moves on to the next candidate.
 */
export async function createAgent(
  m: EntityManager,
  providerId: string,
  fields: AgentFields,
): Promise<Agent> {
  const base = slugBase(fields.name);
  const names = Object.keys(COLUMNS) as (keyof AgentFields)[];
  const values = names.map((f) => bind(f, fields[f]));
  const placeholders = names.map((f, i) => `$${i + 3}::${COLUMNS[f].cast}`).join(', ');
  let next = 1;
  for (let round = 0; round < SLUG_ROUNDS; round++) {
    const candidates = Array.from({ length: SLUG_ROUND }, (_, i) => slugCandidate(base, next + i));
    const taken: { slug: string }[] = await m.query(
      'SELECT slug FROM agents.agents WHERE slug = ANY($1::text[])',
      [candidates],
    );
    const takenSet = new Set(taken.map((t) => t.slug));
    const index = candidates.findIndex((c) => !takenSet.has(c));
    if (index < 0) {
      next += SLUG_ROUND;
      continue;
    }
    const rows = await m.query(
      `INSERT INTO agents.agents AS a (slug, provider_id, ${names.map((f) => COLUMNS[f].column).join(', ')})
       VALUES ($1, $2, ${placeholders})
       ON CONFLICT (slug) DO NOTHING
       RETURNING ${AGENT_COLUMNS}`,
      [candidates[index], providerId, ...values],
    );
    if (rows.length) {
      const agent = toAgent(rows[0]);
      await publishEvents(m, 'agents', [agentEvent('agent.created', agent)]);
      return agent;
    }
    // Someone took this slug between our look and our insert: look again from here.
    next += index;
  }
  throw conflict('Could not find a free slug for this name; choose a more distinctive name.');
}

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
  const [row] = await m.query(
    `SELECT ${AGENT_COLUMNS} FROM agents.agents a WHERE a.id = $1 FOR UPDATE`,
    [id],
  );
  if (!row) throw notFound('Agent', id);
  const current = toAgent(row);
  authorize(current, actor, patch);
  const fields = (Object.keys(patch) as (keyof AgentFields)[]).filter(
    (f) => patch[f] !== undefined,
  );
  const sets = fields.map((f, i) => `${COLUMNS[f].column} = $${i + 2}::${COLUMNS[f].cast}`);
  // A CTE so the driver hands back the rows, not UPDATE's [rows, count] pair.
  const [updated] = await m.query(
    `WITH a AS (
       UPDATE agents.agents SET ${[...sets, 'updated_at = now()'].join(', ')}
        WHERE id = $1 RETURNING *
     )
     SELECT ${AGENT_COLUMNS} FROM a`,
    [id, ...fields.map((f) => bind(f, patch[f]))],
  );
  const agent = toAgent(updated);
  await publishEvents(m, 'agents', [agentEvent('agent.updated', agent)]);
  return agent;
}
