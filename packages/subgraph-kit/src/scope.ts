import { defaultFieldResolver, isObjectType, type GraphQLSchema } from 'graphql';
import { Extensions } from 'type-graphql';
import { DECLARED_SCOPES, forbidden, type DeclaredScope, type Identity } from '@agentry/core';

/*
 * One declared API-key scope per operation and per owned field, enforced here and nowhere else.
 * `@Scope('tasks:read')` on a `@Query`/`@Mutation`/`@Subscription` or a `@FieldResolver` records
 * the scope in the field's extensions; `buildFederatedSchema` refuses a root field without one
 * and wraps every declared field so that an API key lacking the scope gets FORBIDDEN before the
 * resolver runs (before its arguments are even read). Sessions and anonymous callers are not
 * limited by scopes (the resolvers' own rules apply to them).
 */

const EXTENSION = 'agentryScope';
const ROOTS = ['Query', 'Mutation', 'Subscription'] as const;

/** Declares the API-key scope this operation or field needs (see DeclaredScope). */
export function Scope(scope: DeclaredScope) {
  if (!DECLARED_SCOPES.includes(scope)) throw new Error(`unknown scope ${String(scope)}`);
  return Extensions({ [EXTENSION]: scope });
}

/** `Type.field` -> declared scope, as read from a type-graphql schema. */
export type ScopeDeclarations = Record<string, DeclaredScope>;

/** Every declaration of a type-graphql schema; throws when a root field declares none. */
export function readScopeDeclarations(schema: GraphQLSchema): ScopeDeclarations {
  const out: ScopeDeclarations = {};
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const scope = field.extensions?.[EXTENSION] as DeclaredScope | undefined;
      if (scope) out[`${type.name}.${field.name}`] = scope;
      else if ((ROOTS as readonly string[]).includes(type.name))
        missing.push(`${type.name}.${field.name}`);
    }
  }
  if (missing.length)
    throw new Error(`every operation declares its API-key scope (@Scope): missing on ${missing}`);
  return out;
}

/** Whether `identity` may use something declared `scope` (only API keys are limited). */
export function scopeAllows(identity: Identity, scope: DeclaredScope): boolean {
  if (identity.via !== 'apiKey' || scope === 'none') return true;
  if (scope === 'session') return false;
  return (identity.scopes ?? []).includes(scope);
}

/** FORBIDDEN unless the caller may use `field`, declared `scope`. */
export function assertScope(identity: Identity, scope: DeclaredScope, field: string) {
  if (scopeAllows(identity, scope)) return;
  if (scope === 'session')
    throw forbidden(`${field} needs a signed-in session; an API key cannot do this.`);
  throw forbidden(`This API key lacks the "${scope}" scope, which ${field} needs.`);
}

type Resolve = (source: unknown, args: unknown, ctx: unknown, info: unknown) => unknown;
type FieldEntry = Resolve | { subscribe?: Resolve; resolve?: Resolve };

const identityOf = (ctx: unknown): Identity =>
  (ctx as { identity?: Identity } | undefined)?.identity ?? {
    userId: null,
    roles: [],
    via: 'anonymous',
    scopes: null,
    apiKeyId: null,
  };

const guarded =
  (resolve: Resolve, scope: DeclaredScope, field: string): Resolve =>
  (source, args, ctx, info) => {
    assertScope(identityOf(ctx), scope, field);
    return resolve(source, args, ctx, info);
  };

/**
 * Wraps the declared fields of a resolver map (type-graphql's `createResolversMap` shape) with
 * the scope check. Subscriptions are checked when they start.
 */
export function guardResolvers(
  resolvers: Record<string, object>,
  declarations: ScopeDeclarations,
): void {
  for (const [key, scope] of Object.entries(declarations)) {
    const [typeName, fieldName] = key.split('.') as [string, string];
    const fields = (resolvers[typeName] ??= {}) as Record<string, FieldEntry | undefined>;
    const entry = fields[fieldName];
    if (entry && typeof entry === 'object' && entry.subscribe) {
      fields[fieldName] = { ...entry, subscribe: guarded(entry.subscribe, scope, key) };
    } else {
      const resolve =
        typeof entry === 'function' ? entry : (entry?.resolve ?? defaultFieldResolver);
      fields[fieldName] = guarded(resolve as Resolve, scope, key);
    }
  }
}
