import { Field, Int, ObjectType, Directive, ArgsType } from 'type-graphql';
import { Max, Min, IsOptional } from 'class-validator';
import { badInput, isUuid } from '@agentry/core';

@Directive('@shareable')
@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;
  @Field()
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true })
  startCursor!: string | null;
  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** `first` / `after` arguments shared by connection fields. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1-100 (default 20).' })
  @IsOptional()
  @Min(1)
  @Max(100)
  first?: number;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last item of the previous page.',
  })
  @IsOptional()
  after?: string;
}

/** A cursor is the position of an item in its ordering: the sort value and the id, opaque. */
export type CursorKey = [string | number, string];

/**
 * What a cursor's sort value is, as the column (or expression) it is compared with in SQL:
 * - `timestamp`: microsecond UTC text as `timeKey` writes it, a real date within 0001-9999;
 * - `integer` / `bigint`: a whole number within PostgreSQL's int4 / the safe range of int8;
 * - `real`: a float4 (ts_rank): finite, within its range, not so small it underflows to 0;
 * - `numeric`: any finite number;
 * - `any`: a string or a finite number (the list checks it itself).
 */
export type CursorValueKind = 'timestamp' | 'integer' | 'bigint' | 'real' | 'numeric' | 'any';

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const FLOAT4_MAX = 3.4028234663852886e38;
const FLOAT4_MIN_NORMAL = 1.1754943508222875e-38;
const TIME_KEY = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;

/** Whether `v` is microsecond UTC text naming a date that exists (no Feb 30, no hour 24). */
function isTimeKey(v: string): boolean {
  const m = TIME_KEY.exec(v);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as number[];
  if (year < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** Whether a cursor's sort value is one that its SQL comparison accepts. */
export function isCursorValue(value: unknown, kind: CursorValueKind): boolean {
  switch (kind) {
    case 'timestamp':
      return typeof value === 'string' && isTimeKey(value);
    case 'integer':
      return (
        Number.isInteger(value) && (value as number) >= INT4_MIN && (value as number) <= INT4_MAX
      );
    case 'bigint':
      return Number.isSafeInteger(value);
    case 'real': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      const abs = Math.abs(value);
      return abs === 0 || (abs >= FLOAT4_MIN_NORMAL && abs <= FLOAT4_MAX);
    }
    case 'numeric':
      return typeof value === 'number' && Number.isFinite(value);
    case 'any':
      return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
  }
}

const malformed = () =>
  badInput('The cursor is malformed; pass a cursor from a previous page.', { argument: 'after' });

/**
 * The one cursor decoder: a cursor of a previous page, its id in lower case, or null without one.
 * Every component is checked fully (the sort value against `kind`, the id with `isUuid`), so a
 * cursor reaching SQL never fails there: anything else is BAD_USER_INPUT.
 */
export function decodeCursor(
  cursor: string | undefined | null,
  kind: CursorValueKind = 'any',
): CursorKey | null {
  if (cursor === undefined || cursor === null) return null;
  let value: unknown;
  try {
    if (cursor.length > 512 || !/^[A-Za-z0-9_-]*$/.test(cursor)) throw malformed();
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw malformed();
  }
  if (!Array.isArray(value) || value.length !== 2 || !isUuid(value[1])) throw malformed();
  if (!isCursorValue(value[0], 'any')) throw malformed();
  if (!isCursorValue(value[0], kind)) {
    throw badInput('The cursor belongs to another listing; pass a cursor from this one.', {
      argument: 'after',
    });
  }
  return [value[0] as string | number, (value[1] as string).toLowerCase()];
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Page<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * Builds a Relay page from `rows` fetched with `limit + 1` (the extra row tells whether a next
 * page exists).
 */
export function toPage<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => CursorKey,
  totalCount: number,
  hasPrevious: boolean,
): Page<T> {
  const hasNextPage = rows.length > limit;
  const nodes = hasNextPage ? rows.slice(0, limit) : rows;
  const edges = nodes.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

export const pageSize = (first: number | undefined) => first ?? 20;

/**
 * Makes `XConnection` and `XEdge` object types for a node type (type-graphql generic types).
 */
export function Connection<T extends object>(name: string, nodeType: new () => T) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor!: string;
    @Field(() => nodeType)
    node!: T;
  }
  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];
    @Field(() => PageInfo)
    pageInfo!: PageInfo;
    @Field(() => Int)
    totalCount!: number;
  }
  return ConnectionType;
}
