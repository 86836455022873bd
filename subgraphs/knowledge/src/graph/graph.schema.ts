import type { GraphClient } from './graph.client';

/**
 * Constraints and indexes, created at start (idempotent: IF NOT EXISTS). Their names carry the
 * graph prefix, so test suites sharing one Neo4j never collide. Names and labels come from the
 * code and a checked prefix, never from a caller.
 */
export async function ensureGraphSchema(graph: GraphClient): Promise<void> {
  const p = graph.settings.prefix;
  const unique: [string, string][] = [
    ['Agent', 'id'],
    ['Skill', 'key'],
    ['Tag', 'key'],
    ['Category', 'key'],
    ['User', 'id'],
    ['ToolServer', 'id'],
    ['Projection', 'name'],
  ];
  for (const [label, prop] of unique) {
    await graph.run(
      `CREATE CONSTRAINT ${p}${label.toLowerCase()}_${prop} IF NOT EXISTS
         FOR (n:${label}) REQUIRE n.${prop} IS UNIQUE`,
    );
  }
  // Cold-start recommendations order published agents by how many users hired them.
  await graph.run(
    `CREATE INDEX ${p}agent_hirers IF NOT EXISTS FOR (n:Agent) ON (n.published, n.hirers)`,
  );
  // `skills(search)` matches part of a skill's name.
  await graph.run(`CREATE TEXT INDEX ${p}skill_key_text IF NOT EXISTS FOR (n:Skill) ON (n.key)`);
  await graph.run('CALL db.awaitIndexes(60)');
}
