import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { Db } from './sql';

/** One entity value bound for raw SQL: its column and the placeholder that carries it. */
export interface BoundColumn {
  /** The quoted column name, e.g. `"price_credits"`. */
  column: string;
  /** The placeholder cast to the column's type, e.g. `$3::integer` or `$4::text[]`. */
  placeholder: string;
}

/** Values to write, by property; a function gives raw SQL instead (`() => 'now()'`), as in TypeORM. */
export type ColumnValues<E> = { [K in keyof E]?: E[K] | (() => string) };

/**
 * Binds entity values for a raw INSERT or UPDATE, by property name: pushes each defined value
 * onto `params`, prepared as TypeORM would store it (jsonb serialised), and returns its column
 * with a typed placeholder, in the order of `values`. With `selectColumns` for reads, the
 * entity's decorators stay the one description of its table for writes too: no hand-kept map
 * from properties to column names and casts. A property that is not a column is a bug, and
 * throws.
 */
export function bindColumns<E extends ObjectLiteral>(
  db: Db,
  entity: EntityTarget<E>,
  values: ColumnValues<E>,
  params: unknown[],
): BoundColumn[] {
  const source = db instanceof DataSource ? db : db.connection;
  const metadata = source.getMetadata(entity);
  const bound: BoundColumn[] = [];
  for (const [property, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.name}.${property} is not a column`);
    if (typeof value === 'function') {
      bound.push({ column: `"${column.databaseName}"`, placeholder: (value as () => string)() });
      continue;
    }
    const type = `${source.driver.normalizeType(column)}${column.isArray ? '[]' : ''}`;
    params.push(source.driver.preparePersistentValue(value, column));
    bound.push({ column: `"${column.databaseName}"`, placeholder: `$${params.length}::${type}` });
  }
  return bound;
}

/** `column = placeholder` for each bound value, for an UPDATE's SET list. */
export const assignments = (bound: BoundColumn[]) =>
  bound.map((b) => `${b.column} = ${b.placeholder}`);

/**
 * Whether a write failed on the unique index or constraint `constraint`, e.g. two requests
 * racing for one slug: the caller turns that one case into a clear CONFLICT.
 */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === constraint;
}
