import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { Db } from './sql';

const cache = new WeakMap<object, Map<string, string>>();

/**
 * The select list of an entity's table under `alias`, every column named as the entity's
 * property (`t."agent_id" AS "agentId", ...`), read from the TypeORM metadata. The entity's
 * decorators stay the one description of its table: raw SQL in stores selects with this instead
 * of a hand-kept copy of the column names.
 */
export function selectColumns<E extends ObjectLiteral>(
  db: Db,
  entity: EntityTarget<E>,
  alias: string,
): string {
  const key = entity as object;
  let byAlias = cache.get(key);
  if (!byAlias) cache.set(key, (byAlias = new Map()));
  let list = byAlias.get(alias);
  if (!list) {
    const source = db instanceof DataSource ? db : db.connection;
    list = source
      .getMetadata(entity)
      .columns.map((c) =>
        c.databaseName === c.propertyName
          ? `${alias}."${c.databaseName}"`
          : `${alias}."${c.databaseName}" AS "${c.propertyName}"`,
      )
      .join(', ');
    byAlias.set(alias, list);
  }
  return list;
}
