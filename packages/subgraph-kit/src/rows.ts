import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { Db } from './sql';

/**
 * Raw rows selected with `selectColumns(db, Entity, alias)` as instances of the entity, each
 * column passed through its `transformer` as the repository would (e.g. pg's bigint strings to
 * numbers), so a store's raw SQL returns the same values as a repository read, from the one
 * description of the table. Keys that are not columns (a window's row number) are left out.
 */
export function fromRows<E extends ObjectLiteral>(
  db: Db,
  entity: EntityTarget<E>,
  rows: readonly Record<string, unknown>[],
): E[] {
  const metadata = (db instanceof DataSource ? db : db.connection).getMetadata(entity);
  return rows.map((row) => {
    const out = metadata.create() as E;
    for (const c of metadata.columns) {
      if (!(c.propertyName in row)) continue;
      // TypeORM applies a list of transformers last to first when reading.
      const transformers = c.transformer ? [c.transformer].flat() : [];
      (out as ObjectLiteral)[c.propertyName] = transformers.reduceRight(
        (value, t) => t.from(value),
        row[c.propertyName],
      );
    }
    return out;
  });
}
