import { Field, Int, ObjectType, Directive, ArgsType } from 'type-graphql';
import { Max, Min, IsOptional } from 'class-validator';
import { badInput } from '@agentry/core';

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

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor or fails with BAD_USER_INPUT — never a database error. */
export function decodeCursor(cursor: string | undefined | null): CursorKey | null {
  if (cursor === undefined || cursor === null) return null;
  try {
    if (cursor.length > 512) throw new Error('too long');
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (typeof value[0] === 'string' ||
        (typeof value[0] === 'number' && Number.isFinite(value[0]))) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f-]{36}$/i.test(value[1])
    ) {
      return value as CursorKey;
    }
  } catch {
    /* fall through */
  }
  throw badInput('The cursor is malformed; pass a cursor from a previous page.', {
    argument: 'after',
  });
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
