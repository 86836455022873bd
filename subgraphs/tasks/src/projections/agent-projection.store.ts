import type { EntityManager } from 'typeorm';
import type { PayloadOf } from '@agentry/events';
import { selectColumns, type Db } from '@agentry/subgraph-kit';
import { AgentProjection } from './agent-projection.entity';

/** Events arrive in log order, so the last one wins; an upsert makes a replayed one harmless. */
export async function upsertAgent(m: EntityManager, p: PayloadOf<'agent.created'>) {
  await m.query(
    `INSERT INTO tasks.agents (id, provider_id, name, price_credits, status, url, card_url)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET provider_id = excluded.provider_id, name = excluded.name,
         price_credits = excluded.price_credits, status = excluded.status,
         url = coalesce(excluded.url, tasks.agents.url), card_url = excluded.card_url,
         updated_at = now()`,
    [p.agentId, p.providerId, p.name, p.priceCredits, p.status, p.url ?? null, p.cardUrl ?? null],
  );
}

export async function findAgent(db: Db, id: string): Promise<AgentProjection | null> {
  const [agent]: AgentProjection[] = await db.query(
    `SELECT ${selectColumns(db, AgentProjection, 'a')} FROM tasks.agents a WHERE a.id = $1`,
    [id],
  );
  return agent ?? null;
}

export function agentsByIds(db: Db, ids: readonly string[]): Promise<AgentProjection[]> {
  return db.query(
    `SELECT ${selectColumns(db, AgentProjection, 'a')} FROM tasks.agents a WHERE a.id = ANY($1::uuid[])`,
    [ids],
  );
}

/** Only a PUBLISHED agent takes tasks. */
export const isForHire = (agent: AgentProjection | null): agent is AgentProjection =>
  agent?.status === 'PUBLISHED';

/** The URL an A2A client starts from: the card's, else the endpoint's. */
export const agentEndpoint = (agent: AgentProjection) => agent.cardUrl ?? agent.url;

/** Those of `ids` whose provider is `providerId`. */
export async function agentsProvidedBy(
  db: Db,
  ids: string[],
  providerId: string,
): Promise<string[]> {
  const owned: { id: string }[] = await db.query(
    'SELECT id FROM tasks.agents WHERE id = ANY($1::uuid[]) AND provider_id = $2',
    [ids, providerId],
  );
  return owned.map((a) => a.id);
}
