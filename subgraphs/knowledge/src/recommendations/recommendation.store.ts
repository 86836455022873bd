import { int, type GraphClient } from '../graph/graph.client';

/** A recommendation as the store computes it (the resolver wraps the agent id in a stub). */
export interface Recommendation {
  agentId: string;
  score: number;
  reasons: string[];
}

/** Who asks: unpublished agents are visible to their provider and to admins only. */
export interface Viewer {
  userId: string | null;
  admin: boolean;
}

/**
 * Bounds on how much of the graph one query may touch (fan-out), whatever the data: agents per
 * shared skill, tag or category; hirers per agent; neighbours per user.
 */
export const LIMITS = {
  agentsPerFeature: 300,
  hirersPerAgent: 500,
  hiresPerUser: 50,
  neighboursPerHire: 200,
  neighbours: 100,
} as const;

/**
 * Co-hires are shown only when at least this many distinct users hired both agents, so a list
 * never reveals what one other person hired.
 */
export const MIN_COHIRERS = 2;

const VISIBLE_ROOT = '(a.published = true OR a.providerId = $viewer OR $admin)';

const round = (n: number) => Math.round(n * 1000) / 1000;

function listed(names: string[], max = 3) {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, …` : shown;
}
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Agents sharing skills (weight 3), tags (2) and the category (1) with each agent. */
export async function similarAgents(
  graph: GraphClient,
  ids: readonly string[],
  first: number,
  viewer: Viewer,
): Promise<Map<string, Recommendation[]>> {
  const rows = await graph.read<{
    id: string;
    full: number;
    recs: { id: string; raw: number; skills: string[]; tags: string[]; cats: string[] }[];
  }>(
    `UNWIND $ids AS id
     MATCH (a:Agent {id: id})
     WHERE ${VISIBLE_ROOT}
     CALL (a) {
       MATCH (a)-[:HAS_SKILL|HAS_TAG|IN_CATEGORY]->(f)
       CALL (a, f) {
         MATCH (f)<-[:HAS_SKILL|HAS_TAG|IN_CATEGORY]-(b:Agent)
         WHERE b <> a AND b.published = true
         RETURN b LIMIT $perFeature
       }
       WITH b, collect(f) AS fs
       WITH b,
            [x IN fs WHERE x:Skill | x.name] AS skills,
            [x IN fs WHERE x:Tag | x.name] AS tags,
            [x IN fs WHERE x:Category | x.name] AS cats
       WITH b, skills, tags, cats, 3.0 * size(skills) + 2.0 * size(tags) + 1.0 * size(cats) AS raw
       ORDER BY raw DESC, b.hirers DESC, b.name
       LIMIT $first
       RETURN collect({id: b.id, raw: raw, skills: skills, tags: tags, cats: cats}) AS recs
     }
     RETURN id, recs,
            3.0 * COUNT { (a)-[:HAS_SKILL]->() } + 2.0 * COUNT { (a)-[:HAS_TAG]->() }
              + 1.0 * COUNT { (a)-[:IN_CATEGORY]->() } AS full`,
    {
      ids,
      first: int(first),
      perFeature: int(LIMITS.agentsPerFeature),
      viewer: viewer.userId,
      admin: viewer.admin,
    },
  );
  const out = new Map<string, Recommendation[]>();
  for (const row of rows) {
    out.set(
      row.id,
      row.recs.map((r) => {
        const reasons: string[] = [];
        if (r.skills.length)
          reasons.push(`${plural(r.skills.length, 'shared skill')}: ${listed(r.skills.sort())}`);
        if (r.tags.length)
          reasons.push(`${plural(r.tags.length, 'shared tag')}: ${listed(r.tags.sort())}`);
        if (r.cats.length) reasons.push(`same category: ${r.cats[0]}`);
        return { agentId: r.id, score: round(row.full > 0 ? r.raw / row.full : 0), reasons };
      }),
    );
  }
  return out;
}

/** Agents the same users hired, by co-occurrence (cosine of the two agents' hirer sets). */
export async function hiredTogetherWith(
  graph: GraphClient,
  ids: readonly string[],
  first: number,
  viewer: Viewer,
): Promise<Map<string, Recommendation[]>> {
  const rows = await graph.read<{ id: string; recs: { id: string; co: number; score: number }[] }>(
    `UNWIND $ids AS id
     MATCH (a:Agent {id: id})
     WHERE ${VISIBLE_ROOT}
     CALL (a) {
       MATCH (a)<-[:HIRED]-(u:User)
       WITH a, u LIMIT $hirers
       MATCH (u)-[:HIRED]->(b:Agent)
       WHERE b <> a AND b.published = true
       WITH a, b, count(DISTINCT u) AS co
       WHERE co >= $minUsers
       WITH b, co,
            toFloat(co) / sqrt(toFloat(CASE WHEN a.hirers > co THEN a.hirers ELSE co END)
                             * toFloat(CASE WHEN b.hirers > co THEN b.hirers ELSE co END)) AS score
       ORDER BY score DESC, co DESC, b.name
       LIMIT $first
       RETURN collect({id: b.id, co: co, score: score}) AS recs
     }
     RETURN id, recs`,
    {
      ids,
      first: int(first),
      hirers: int(LIMITS.hirersPerAgent),
      minUsers: int(MIN_COHIRERS),
      viewer: viewer.userId,
      admin: viewer.admin,
    },
  );
  const out = new Map<string, Recommendation[]>();
  for (const row of rows)
    out.set(
      row.id,
      row.recs.map((r) => ({
        agentId: r.id,
        score: round(r.score),
        reasons: [`hired by ${plural(r.co, 'user')} who also hired this agent`],
      })),
    );
  return out;
}

/** Agents that delegate work to each agent, or that it delegates to (workflow steps). */
export async function collaborators(
  graph: GraphClient,
  ids: readonly string[],
  first: number,
  viewer: Viewer,
): Promise<Map<string, Recommendation[]>> {
  const rows = await graph.read<{
    id: string;
    recs: { id: string; out: number; inn: number }[];
  }>(
    `UNWIND $ids AS id
     MATCH (a:Agent {id: id})
     WHERE ${VISIBLE_ROOT}
     CALL (a) {
       MATCH (a)-[d:DELEGATED_TO]-(b:Agent)
       WHERE b <> a AND b.published = true
       WITH b, sum(CASE WHEN startNode(d) = a THEN d.count ELSE 0 END) AS out,
               sum(CASE WHEN endNode(d) = a THEN d.count ELSE 0 END) AS inn
       ORDER BY out + inn DESC, b.name
       LIMIT $first
       RETURN collect({id: b.id, out: out, inn: inn}) AS recs
     }
     RETURN id, recs`,
    { ids, first: int(first), viewer: viewer.userId, admin: viewer.admin },
  );
  const out = new Map<string, Recommendation[]>();
  for (const row of rows) {
    const top = Math.max(1, ...row.recs.map((r) => r.out + r.inn));
    out.set(
      row.id,
      row.recs.map((r) => {
        const reasons: string[] = [];
        if (r.out) reasons.push(`this agent delegated ${plural(r.out, 'task')} to it`);
        if (r.inn) reasons.push(`it delegated ${plural(r.inn, 'task')} to this agent`);
        return { agentId: r.id, score: round((r.out + r.inn) / top), reasons };
      }),
    );
  }
  return out;
}

/**
 * For one user: what users with similar hires hired and rated well, excluding what the user
 * already hired and their own agents; topped up, or for a new user replaced, by the agents most
 * users hired (cold start), scored below any personal match.
 */
export async function recommendedAgents(
  graph: GraphClient,
  userId: string,
  first: number,
): Promise<Recommendation[]> {
  const personal = await graph.read<{
    id: string;
    neighbours: number;
    raw: number;
    total: number;
    rating: number | null;
    ratings: number;
  }>(
    `MATCH (me:User {id: $userId})
     CALL (me) {
       MATCH (me)-[:HIRED]->(a:Agent)
       WITH me, a ORDER BY a.hirers ASC LIMIT $hires
       CALL (me, a) {
         MATCH (a)<-[:HIRED]-(o:User) WHERE o <> me
         RETURN o LIMIT $perHire
       }
       WITH me, o, count(DISTINCT a) AS overlap
       ORDER BY overlap DESC LIMIT $neighbours
       WITH me, collect({o: o, overlap: overlap}) AS ns, sum(overlap) AS total
       UNWIND ns AS n
       WITH me, n.o AS o, n.overlap AS overlap, total
       MATCH (o)-[:HIRED]->(b:Agent)
       WHERE b.published = true AND coalesce(b.providerId, '') <> $userId
         AND NOT EXISTS { (me)-[:HIRED]->(b) }
       OPTIONAL MATCH (o)-[rv:REVIEWED]->(b)
       WITH b, total, count(DISTINCT o) AS neighbours,
            sum(overlap * CASE WHEN rv IS NULL THEN 1.0 WHEN rv.rating >= 4 THEN 2.0
                               WHEN rv.rating <= 2 THEN 0.0 ELSE 1.0 END) AS raw,
            avg(rv.rating) AS rating, count(rv) AS ratings
       WHERE raw > 0
       RETURN b.id AS id, b.name AS name, neighbours, raw, total, rating, ratings
       ORDER BY raw DESC, neighbours DESC, name
       LIMIT $first
     }
     RETURN id, neighbours, raw, total, rating, ratings`,
    {
      userId,
      first: int(first),
      hires: int(LIMITS.hiresPerUser),
      perHire: int(LIMITS.neighboursPerHire),
      neighbours: int(LIMITS.neighbours),
    },
  );
  const recs: Recommendation[] = personal.map((r) => {
    const reasons = [`hired by ${plural(r.neighbours, 'user')} whose hires are like yours`];
    if (r.ratings && r.rating !== null)
      reasons.push(
        `rated ${r.rating.toFixed(1)} by ${r.ratings === 1 ? 'one of them' : `${r.ratings} of them`}`,
      );
    // Half to one: a personal match always ranks above the cold-start fill below.
    return { agentId: r.id, score: round(0.5 + 0.5 * Math.min(1, r.raw / (2 * r.total))), reasons };
  });
  if (recs.length >= first) return recs;

  const popular = await graph.read<{
    id: string;
    hirers: number;
    rating: number | null;
    ratings: number;
  }>(
    `MATCH (b:Agent)
     WHERE b.published = true AND b.hirers >= 0 AND NOT b.id IN $exclude
       AND coalesce(b.providerId, '') <> $userId
       AND NOT EXISTS { (:User {id: $userId})-[:HIRED]->(b) }
     WITH b ORDER BY b.hirers DESC, b.name LIMIT $first
     CALL (b) {
       OPTIONAL MATCH (b)<-[r:REVIEWED]-()
       RETURN avg(r.rating) AS rating, count(r) AS ratings
     }
     RETURN b.id AS id, b.hirers AS hirers, rating, ratings`,
    { userId, exclude: recs.map((r) => r.agentId), first: int(first - recs.length) },
  );
  const top = Math.max(1, ...popular.map((p) => p.hirers));
  for (const p of popular) {
    const reasons = [
      p.hirers ? `popular: hired by ${plural(p.hirers, 'user')}` : 'new on the marketplace',
    ];
    if (p.ratings && p.rating !== null)
      reasons.push(`rated ${p.rating.toFixed(1)} on average (${plural(p.ratings, 'review')})`);
    if (!personal.length) reasons.push('suggested until you have hired a few agents');
    recs.push({ agentId: p.id, score: round(0.45 * (p.hirers / top)), reasons });
  }
  return recs;
}
