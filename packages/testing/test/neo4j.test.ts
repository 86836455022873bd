import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import neo4j from 'neo4j-driver';
import { testGraph, testNeo4j, type TestGraph } from '@agentry/testing';

/** Suites share the one test Neo4j; a TestGraph's prefix keeps each one's graph to itself. */
describe('testGraph', { timeout: 180_000 }, () => {
  const graphs: TestGraph[] = [];
  after(() => Promise.all(graphs.map((g) => g.drop())));

  it('gives each suite its own prefix, and drop() removes only that graph, its indexes and constraints', async () => {
    const a = await testGraph('suite a');
    const b = await testGraph('suite a');
    graphs.push(a, b);
    assert.match(a.prefix, /^T_suite_a_[0-9a-f]{6}_$/);
    assert.notEqual(a.prefix, b.prefix);
    assert.deepEqual(
      { url: a.url, user: a.user, password: a.password },
      await testNeo4j(),
      'both live in the run’s one server',
    );

    const driver = neo4j.driver(a.url, neo4j.auth.basic(a.user, a.password));
    try {
      for (const g of [a, b]) {
        const p = g.prefix;
        await driver.executeQuery(
          `CREATE CONSTRAINT ${p}agent_id FOR (x:${p}Agent) REQUIRE x.id IS UNIQUE`,
        );
        await driver.executeQuery(`CREATE INDEX ${p}skill_name FOR (x:${p}Skill) ON (x.name)`);
        await driver.executeQuery(
          `CREATE (:${p}Agent {id: 1})-[:${p}HAS]->(:${p}Skill {name: 'search'}),
                  (:${p}Agent {id: 2})-[:${p}HAS]->(:${p}Skill {name: 'write'})`,
        );
      }
      const count = async (g: TestGraph) => {
        const params = { p: g.prefix };
        const { records } = await driver.executeQuery(
          `OPTIONAL MATCH (n) WHERE any(l IN labels(n) WHERE l STARTS WITH $p)
           WITH count(n) AS nodes
           OPTIONAL MATCH ()-[r]->() WHERE type(r) STARTS WITH $p
           RETURN nodes, count(r) AS rels`,
          params,
        );
        const schema = await driver.executeQuery(
          'SHOW INDEXES YIELD name WHERE name STARTS WITH $p RETURN name',
          params,
        );
        return {
          nodes: records[0].get('nodes').toNumber(),
          rels: records[0].get('rels').toNumber(),
          schema: schema.records.map((r) => r.get('name') as string).sort(),
        };
      };
      const full = (p: string) => ({
        nodes: 4,
        rels: 2,
        schema: [`${p}agent_id`, `${p}skill_name`],
      });
      assert.deepEqual(await count(a), full(a.prefix));
      assert.deepEqual(await count(b), full(b.prefix));

      await a.drop();
      assert.deepEqual(await count(a), { nodes: 0, rels: 0, schema: [] });
      assert.deepEqual(await count(b), full(b.prefix), 'the other suite’s graph is untouched');
      // The unique constraint is really gone: a duplicate id is accepted again.
      await driver.executeQuery(`CREATE (:${a.prefix}Agent {id: 1}), (:${a.prefix}Agent {id: 1})`);
    } finally {
      await driver.close();
    }
  });
});
