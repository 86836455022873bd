import { int, type GraphClient } from '../graph/graph.client';
import type { Skill } from './skill.type';

/** Skills of published agents, most common first, optionally by part of their name. */
export function findSkills(
  graph: GraphClient,
  search: string | null,
  first: number,
): Promise<Skill[]> {
  return graph.read<Skill>(
    `MATCH (s:Skill)
     WHERE $search IS NULL OR s.key CONTAINS $search
     WITH s, COUNT { (s)<-[:HAS_SKILL]-(a:Agent WHERE a.published = true) } AS agentCount
     WHERE agentCount > 0
     RETURN s.key AS id, s.name AS name, agentCount
     ORDER BY agentCount DESC, id
     LIMIT $first`,
    { search, first: int(first) },
  );
}

/** The published agents with each skill, most hired first. */
export async function agentsWithSkills(
  graph: GraphClient,
  keys: readonly string[],
  first: number,
): Promise<Map<string, string[]>> {
  const rows = await graph.read<{ key: string; ids: string[] }>(
    `UNWIND $keys AS key
     MATCH (s:Skill {key: key})
     CALL (s) {
       MATCH (s)<-[:HAS_SKILL]-(a:Agent)
       WHERE a.published = true
       WITH a ORDER BY a.hirers DESC, a.name LIMIT $first
       RETURN collect(a.id) AS ids
     }
     RETURN key, ids`,
    { keys, first: int(first) },
  );
  return new Map(rows.map((r) => [r.key, r.ids]));
}

/** Skills that published agents have together with each skill, most shared first. */
export async function relatedSkills(
  graph: GraphClient,
  keys: readonly string[],
  first: number,
): Promise<Map<string, Skill[]>> {
  const rows = await graph.read<{ key: string; skills: Skill[] }>(
    `UNWIND $keys AS key
     MATCH (s:Skill {key: key})
     CALL (s) {
       MATCH (s)<-[:HAS_SKILL]-(a:Agent)
       WHERE a.published = true
       WITH s, a LIMIT $agents
       MATCH (a)-[:HAS_SKILL]->(t:Skill)
       WHERE t <> s
       WITH t, count(DISTINCT a) AS shared
       ORDER BY shared DESC, t.key
       LIMIT $first
       RETURN collect({id: t.key, name: t.name,
                       agentCount: COUNT { (t)<-[:HAS_SKILL]-(b:Agent WHERE b.published = true) }}) AS skills
     }
     RETURN key, skills`,
    { keys, first: int(first), agents: int(500) },
  );
  return new Map(rows.map((r) => [r.key, r.skills]));
}
