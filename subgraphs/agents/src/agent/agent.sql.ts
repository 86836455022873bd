import { timeKey } from '@agentry/subgraph-kit';
import { Agent } from './agent.entity';

/** The columns of an Agent under alias `a`, named as the entity's properties. */
export const AGENT_COLUMNS = `a.id, a.slug, a.name, a.description, a.url, a.version,
  a.provider_id AS "providerId", a.skills, a.capabilities,
  a.default_input_modes AS "defaultInputModes", a.default_output_modes AS "defaultOutputModes",
  a.category, a.tags, a.price_credits AS "priceCredits", a.status,
  a.card_url AS "cardUrl", a.available, a.last_seen_at AS "lastSeenAt",
  a.card_checked_at AS "cardCheckedAt", a.card_error AS "cardError",
  a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;

/** A cursor position in newest-first order. */
export const CREATED_KEY = timeKey('a.created_at');

type Row = Record<string, unknown>;

export function toAgent(row: Row): Agent {
  return Object.assign(new Agent(), {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    url: row.url,
    version: row.version,
    providerId: row.providerId,
    skills: row.skills,
    capabilities: row.capabilities,
    defaultInputModes: row.defaultInputModes,
    defaultOutputModes: row.defaultOutputModes,
    category: row.category,
    tags: row.tags,
    priceCredits: row.priceCredits,
    status: row.status,
    cardUrl: row.cardUrl ?? null,
    available: row.available,
    lastSeenAt: row.lastSeenAt ?? null,
    cardCheckedAt: row.cardCheckedAt ?? null,
    cardError: row.cardError ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
}
