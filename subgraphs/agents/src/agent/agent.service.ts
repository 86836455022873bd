import { isDeepStrictEqual } from 'node:util';
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
      url: agent.url,
      priceCredits: agent.priceCredits,
      status: agent.status,
      category: agent.category,
      cardUrl: agent.cardUrl,
      available: agent.available,
    },
  };
}

const isCardTaken = (err: unknown) => {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === 'agents_card_url_key';
};

const cardConflict = () =>
  conflict('An agent with this card is already listed; refresh that one instead.');

/** Refuses a card that is already listed (before fetching it: a cheap and common mistake). */
export async function assertCardFree(m: EntityManager, cardUrl: string): Promise<void> {
  const rows = await m.query('SELECT 1 FROM agents.agents WHERE card_url = $1', [cardUrl]);
  if (rows.length) throw cardConflict();
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
  card?: { cardUrl: string },
): Promise<Agent> {
  const base = slugBase(fields.name);
  const names = Object.keys(COLUMNS) as (keyof AgentFields)[];
  const values = names.map((f) => bind(f, fields[f]));
  const placeholders = names.map((f, i) => `$${i + 4}::${COLUMNS[f].cast}`).join(', ');
  // An agent read from its card was seen (and checked) just now.
  const seen = card ? 'now()' : 'NULL';
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
    let rows: Record<string, unknown>[];
    try {
      rows = await m.query(
        `INSERT INTO agents.agents AS a (slug, provider_id, card_url, last_seen_at, card_checked_at,
           ${names.map((f) => COLUMNS[f].column).join(', ')})
         VALUES ($1, $2, $3, ${seen}, ${seen}, ${placeholders})
         ON CONFLICT (slug) DO NOTHING
         RETURNING ${AGENT_COLUMNS}`,
        [candidates[index], providerId, card?.cardUrl ?? null, ...values],
      );
    } catch (err) {
      // Two registrations of one card racing: the unique index lets one through.
      if (isCardTaken(err)) throw cardConflict();
      throw err;
    }
    if (rows.length) {
      const agent = toAgent(rows[0]);
      await publishEvents(m, [agentEvent('agent.created', agent)]);
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
  await publishEvents(m, [agentEvent('agent.updated', agent)]);
  return agent;
}

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
] as const satisfies readonly (keyof AgentFields)[];
export type CardFields = Pick<AgentFields, (typeof CARD_FIELDS)[number]>;

/** What reading an agent's card came to. */
export type CardCheck = { ok: true; fields: CardFields } | { ok: false; error: string };

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
  const [row] = await m.query(
    `SELECT ${AGENT_COLUMNS} FROM agents.agents a WHERE a.id = $1 AND a.card_url IS NOT NULL FOR UPDATE`,
    [id],
  );
  if (!row) return null;
  const current = toAgent(row);
  const params: unknown[] = [id];
  const sets = ['card_checked_at = now()'];
  let changed: boolean;
  if (check.ok) {
    const fields = CARD_FIELDS.filter((f) => !isDeepStrictEqual(current[f], check.fields[f]));
    for (const f of fields) {
      sets.push(
        `${COLUMNS[f].column} = $${params.push(bind(f, check.fields[f]))}::${COLUMNS[f].cast}`,
      );
    }
    sets.push('available = true', 'last_seen_at = now()', 'card_error = NULL');
    changed = fields.length > 0 || !current.available;
  } else {
    sets.push(
      'available = false',
      `card_error = $${params.push(check.error.slice(0, CARD_ERROR_MAX))}`,
    );
    changed = current.available;
  }
  if (changed) sets.push('updated_at = now()');
  const [updated] = await m.query(
    `WITH a AS (UPDATE agents.agents SET ${sets.join(', ')} WHERE id = $1 RETURNING *)
     SELECT ${AGENT_COLUMNS} FROM a`,
    params,
  );
  const agent = toAgent(updated);
  if (changed || publish === 'always') {
    await publishEvents(m, [agentEvent('agent.updated', agent)]);
  }
  return agent;
}

/** The longest reason stored for a failed check (the column allows this much). */
export const CARD_ERROR_MAX = 500;
