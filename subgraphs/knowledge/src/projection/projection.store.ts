import type { PayloadOf, StoredEvent } from '@agentry/events';
import { int, type GraphClient, type GraphTx } from '../graph/graph.client';

/** The topics the graph is built from. */
export const PROJECTED_TOPICS = [
  'user.registered',
  'user.updated',
  'agent.created',
  'agent.updated',
  'task.completed',
  'review.submitted',
  'review.deleted',
  'tool_server.updated',
  'tool.call_settled',
] as const;
export type ProjectedEvent = StoredEvent<(typeof PROJECTED_TOPICS)[number]>;

/** The marker node that remembers the position of the last event applied to the graph. */
export const PROJECTION_NAME = 'events';

/** How skills, tags and categories are keyed: case and spacing do not make a new one. */
export const keyOf = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Applies a batch of events (in log order) to the graph in one Neo4j transaction, guarded by the
 * position marker: an event at or before the last applied position `(txId, id)` changes nothing,
 * so a replayed log (a crash between the graph's commit and the offset's, a reset offset) is
 * harmless. The marker moves in the same transaction. Returns how many events were applied.
 */
export function applyEvents(
  graph: GraphClient,
  events: readonly ProjectedEvent[],
): Promise<number> {
  return graph.write(async (tx) => {
    const [marker] = await tx.run<{ tx: number; eid: number }>(
      `MERGE (p:Projection {name: $name}) ON CREATE SET p.tx = -1, p.eid = -1
       RETURN p.tx AS tx, p.eid AS eid`,
      { name: PROJECTION_NAME },
    );
    // Positions compare as integers; xid8 and bigint ids stay far below 2^53 here.
    const after = (e: ProjectedEvent) =>
      Number(e.txId) > marker.tx || (Number(e.txId) === marker.tx && Number(e.id) > marker.eid);
    const fresh = events.filter(after);
    // Hires commute (counts add up, lastAt is a maximum): a run of task.completed events goes
    // in one statement; everything else one by one, in log order.
    let hires: PayloadOf<'task.completed'>[] = [];
    const flushHires = async () => {
      if (hires.length) await applyHires(tx, hires);
      hires = [];
    };
    for (const event of fresh) {
      if (event.topic === 'task.completed') hires.push(event.payload);
      else {
        await flushHires();
        await applyOne(tx, event);
      }
    }
    await flushHires();
    const last = fresh.at(-1);
    if (last)
      await tx.run(
        `MATCH (p:Projection {name: $name}) SET p.tx = $tx, p.eid = $eid, p.at = datetime()`,
        { name: PROJECTION_NAME, tx: int(last.txId), eid: int(last.id) },
      );
    return fresh.length;
  });
}

/** One event, inside the batch's transaction. */
async function applyOne(tx: GraphTx, event: ProjectedEvent): Promise<void> {
  const at = event.createdAt.toISOString();
  switch (event.topic) {
    case 'user.registered':
    case 'user.updated':
      await tx.run('MERGE (u:User {id: $id}) SET u.name = $name', {
        id: event.payload.userId,
        name: event.payload.name,
      });
      break;
    case 'agent.created':
    case 'agent.updated':
      await applyAgent(tx, event.payload);
      break;
    case 'task.completed':
      await applyHires(tx, [event.payload]);
      break;
    case 'review.submitted':
      await tx.run(
        `MERGE (u:User {id: $authorId})
         MERGE (a:Agent {id: $agentId}) ON CREATE SET a.published = false, a.hirers = 0
         MERGE (u)-[r:REVIEWED]->(a)
         SET r.rating = $rating, r.reviewId = $reviewId, r.at = datetime($at)`,
        { ...event.payload, rating: int(event.payload.rating), at },
      );
      break;
    case 'review.deleted':
      await tx.run(
        `MATCH (:User {id: $authorId})-[r:REVIEWED {reviewId: $reviewId}]->(:Agent {id: $agentId})
         DELETE r`,
        event.payload,
      );
      break;
    case 'tool_server.updated':
      await tx.run(
        `MERGE (t:ToolServer {id: $serverId})
         SET t.name = $name, t.public = $public, t.status = $status, t.ownerId = $ownerId`,
        event.payload,
      );
      break;
    case 'tool.call_settled':
      await tx.run(
        `MERGE (u:User {id: $callerId})
         MERGE (t:ToolServer {id: $serverId})
         MERGE (u)-[r:USES_TOOL]->(t) ON CREATE SET r.count = 0
         SET r.count = r.count + 1, r.lastAt = datetime($at)`,
        { callerId: event.payload.callerId, serverId: event.payload.serverId, at },
      );
      break;
  }
}

async function applyAgent(tx: GraphTx, p: PayloadOf<'agent.created'>) {
  await tx.run(
    `MERGE (a:Agent {id: $agentId}) ON CREATE SET a.hirers = 0
     SET a.slug = $slug, a.name = $name, a.status = $status,
         a.published = ($status = 'PUBLISHED'), a.providerId = $providerId,
         a.priceCredits = $priceCredits`,
    {
      agentId: p.agentId,
      slug: p.slug,
      name: p.name,
      status: p.status,
      providerId: p.providerId,
      priceCredits: int(p.priceCredits),
    },
  );
  // An older event without the field leaves what the graph has; a present one is the whole set.
  if (p.skills) {
    const skills = dedupe(p.skills.map((s) => ({ key: keyOf(s.name), name: s.name.trim() })));
    await replaceLinks(tx, p.agentId, 'HAS_SKILL', skills);
  }
  if (p.tags) {
    const tags = dedupe(p.tags.map((t) => ({ key: keyOf(t), name: t.trim() })));
    await replaceLinks(tx, p.agentId, 'HAS_TAG', tags);
  }
  if (p.category !== undefined) {
    const cats = p.category ? [{ key: keyOf(p.category), name: p.category.trim() }] : [];
    await replaceLinks(tx, p.agentId, 'IN_CATEGORY', cats);
  }
}

const dedupe = (items: { key: string; name: string }[]) => [
  ...new Map(items.filter((i) => i.key).map((i) => [i.key, i])).values(),
];

/** Makes the agent's links of one kind exactly `items` (one text per kind: no type spliced in). */
async function replaceLinks(
  tx: GraphTx,
  agentId: string,
  rel: 'HAS_SKILL' | 'HAS_TAG' | 'IN_CATEGORY',
  items: { key: string; name: string }[],
) {
  const params = { agentId, items, keys: items.map((i) => i.key) };
  switch (rel) {
    case 'HAS_SKILL':
      await tx.run(
        `MATCH (:Agent {id: $agentId})-[r:HAS_SKILL]->(s:Skill) WHERE NOT s.key IN $keys DELETE r`,
        params,
      );
      await tx.run(
        `MATCH (a:Agent {id: $agentId}) UNWIND $items AS item
         MERGE (s:Skill {key: item.key}) ON CREATE SET s.name = item.name
         MERGE (a)-[:HAS_SKILL]->(s)`,
        params,
      );
      break;
    case 'HAS_TAG':
      await tx.run(
        `MATCH (:Agent {id: $agentId})-[r:HAS_TAG]->(t:Tag) WHERE NOT t.key IN $keys DELETE r`,
        params,
      );
      await tx.run(
        `MATCH (a:Agent {id: $agentId}) UNWIND $items AS item
         MERGE (t:Tag {key: item.key}) ON CREATE SET t.name = item.name
         MERGE (a)-[:HAS_TAG]->(t)`,
        params,
      );
      break;
    case 'IN_CATEGORY':
      await tx.run(
        `MATCH (:Agent {id: $agentId})-[r:IN_CATEGORY]->(c:Category) WHERE NOT c.key IN $keys DELETE r`,
        params,
      );
      await tx.run(
        `MATCH (a:Agent {id: $agentId}) UNWIND $items AS item
         MERGE (c:Category {key: item.key}) ON CREATE SET c.name = item.name
         MERGE (a)-[:IN_CATEGORY]->(c)`,
        params,
      );
      break;
  }
}

async function applyHires(tx: GraphTx, hires: PayloadOf<'task.completed'>[]) {
  await tx.run(
    `UNWIND $hires AS h
     MERGE (u:User {id: h.requesterId})
     MERGE (a:Agent {id: h.agentId}) ON CREATE SET a.published = false, a.hirers = 0
     MERGE (u)-[r:HIRED]->(a) ON CREATE SET r.count = 0, a.hirers = coalesce(a.hirers, 0) + 1
     SET r.count = r.count + 1,
         r.lastAt = CASE WHEN r.lastAt IS NULL OR r.lastAt < datetime(h.at)
                         THEN datetime(h.at) ELSE r.lastAt END`,
    {
      hires: hires.map((p) => ({
        requesterId: p.requesterId,
        agentId: p.agentId,
        at: p.completedAt,
      })),
    },
  );
  const delegations = hires
    .filter((p) => p.delegatedByAgentId && p.delegatedByAgentId !== p.agentId)
    .map((p) => ({ from: p.delegatedByAgentId, to: p.agentId, at: p.completedAt }));
  if (delegations.length)
    await tx.run(
      `UNWIND $delegations AS d
       MERGE (f:Agent {id: d.from}) ON CREATE SET f.published = false, f.hirers = 0
       MERGE (a:Agent {id: d.to}) ON CREATE SET a.published = false, a.hirers = 0
       MERGE (f)-[r:DELEGATED_TO]->(a) ON CREATE SET r.count = 0
       SET r.count = r.count + 1, r.lastAt = datetime(d.at)`,
      { delegations },
    );
}

/**
 * Empties the graph this subgraph owns (every node with one of its labels, batched) so the log
 * can be applied again from the start.
 */
export async function clearGraph(graph: GraphClient): Promise<void> {
  await graph.run(
    `MATCH (n) WHERE n:Agent OR n:Skill OR n:Tag OR n:Category OR n:User OR n:ToolServer OR n:Projection
     CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS`,
  );
}
