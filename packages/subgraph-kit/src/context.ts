import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import {
  forbidden,
  unauthenticated,
  type Identity,
  type Logger,
  type Role,
  type ApiKeyScope,
} from '@agentry/core';

/** What every resolver gets: who calls, a request-scoped logger and request-scoped DataLoaders. */
export interface SubgraphContext {
  identity: Identity;
  log: Logger;
  /** The subgraph's own database (its Postgres schema). */
  db: DataSource;
  /**
   * The gateway-signed identity token of this request, to forward to another service's internal
   * endpoint as proof that the caller asked (it expires within a minute).
   */
  identityToken: string;
  /**
   * A DataLoader per request and name, created on first use, so every list field and reference
   * resolver in one request shares one batch (no N+1).
   */
  loader<K, V>(
    name: string,
    batch: (keys: readonly K[]) => Promise<(V | Error)[]>,
  ): DataLoader<K, V>;
  /** Forgets every loaded value: a subscription calls it per event, so each event reads fresh data. */
  resetLoaders(): void;
}

export function createContext(
  identity: Identity,
  log: Logger,
  db: DataSource,
  identityToken = '',
): SubgraphContext {
  const loaders = new Map<string, DataLoader<unknown, unknown>>();
  return {
    identity,
    log,
    db,
    identityToken,
    loader<K, V>(name: string, batch: (keys: readonly K[]) => Promise<(V | Error)[]>) {
      let l = loaders.get(name) as DataLoader<K, V> | undefined;
      if (!l) {
        l = new DataLoader<K, V>(batch, { maxBatchSize: 1000 });
        loaders.set(name, l as DataLoader<unknown, unknown>);
      }
      return l;
    },
    resetLoaders() {
      loaders.clear();
    },
  };
}

/** Orders batch results like the keys; a missing row is `null`. */
export function byKeys<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map<K, V>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((k) => map.get(k) ?? null);
}

/** Groups batch results per key; a key with no rows gets `[]`. */
export function groupByKeys<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return keys.map((k) => map.get(k) ?? []);
}

/**
 * The caller's user id, or UNAUTHENTICATED. The operation's API-key scope is checked before the
 * resolver runs (`@Scope`); `scope` here is for code outside resolvers (internal routes).
 */
export function requireUser(ctx: SubgraphContext, scope?: ApiKeyScope): string {
  const { identity } = ctx;
  if (!identity.userId) throw unauthenticated();
  if (scope && identity.scopes && !identity.scopes.includes(scope)) {
    throw forbidden(`This API key lacks the "${scope}" scope.`);
  }
  return identity.userId;
}

/**
 * Whether the caller acts with `role`. An admin's API key acts as an admin only with the `admin`
 * scope: without it the key has its owner's other roles and nothing more.
 */
export const hasRole = (ctx: SubgraphContext, role: Role) =>
  ctx.identity.roles.includes(role) &&
  (role !== 'ADMIN' || ctx.identity.via !== 'apiKey' || !!ctx.identity.scopes?.includes('admin'));
export const isAdmin = (ctx: SubgraphContext) => hasRole(ctx, 'ADMIN');

/** Requires a role (ADMIN implies every role). */
export function requireRole(ctx: SubgraphContext, role: Role, scope?: ApiKeyScope): string {
  const userId = requireUser(ctx, scope);
  if (!hasRole(ctx, role) && !isAdmin(ctx)) throw forbidden(`This needs the ${role} role.`);
  return userId;
}

/** Only a signed-in session (not an API key) may do this, e.g. manage API keys. */
export function requireSession(ctx: SubgraphContext): string {
  const userId = requireUser(ctx);
  if (ctx.identity.via !== 'session')
    throw forbidden('Only a signed-in session can do this, not an API key.');
  return userId;
}
