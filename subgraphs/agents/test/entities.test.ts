import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestSubgraph } from '@agentry/testing';
import { agentsSubgraph } from '../src/subgraph';

/**
 * The entities are the one description of the tables that stores read and write through
 * selectColumns / bindColumns / m.create; the migrations create those tables. This proves the two
 * agree, column by column, so neither can drift unnoticed.
 */
describe('agents entities', () => {
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  before(async () => {
    sg = await startTestSubgraph(agentsSubgraph, {
      env: { TOOL_SERVER_REFRESH_MS: '0', AGENT_CARD_REFRESH_MS: '0' },
    });
  });
  after(() => sg?.stop());

  /** Columns only SQL reads (never mapped to a property). */
  const SQL_ONLY: Record<string, string[]> = { agents: ['search_document'] };

  it('map the migrated tables exactly: every column, its type, nullability and the key', async () => {
    const { dataSource } = sg.deps;
    const tables = dataSource.entityMetadatas.map((e) => e.tableName).sort();
    assert.deepEqual(tables, ['agents', 'tool_grants', 'tool_servers', 'tools']);
    for (const entity of dataSource.entityMetadatas) {
      const rows: { name: string; type: string; notNull: boolean; primary: boolean }[] =
        await dataSource.query(
          `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
                  a.attnotnull AS "notNull",
                  coalesce(a.attnum = ANY(i.indkey), false) AS "primary"
             FROM pg_attribute a
             LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attname`,
          [`agents.${entity.tableName}`],
        );
      const table = rows
        .filter((r) => !(SQL_ONLY[entity.tableName] ?? []).includes(r.name))
        .map((r) => ({ ...r, primary: Boolean(r.primary) }));
      const mapped = entity.columns
        .map((c) => ({
          name: c.databaseName,
          type: `${dataSource.driver.normalizeType(c)}${c.isArray ? '[]' : ''}`,
          notNull: !c.isNullable,
          primary: c.isPrimary,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      assert.deepEqual(mapped, table, entity.tableName);
    }
  });
});
