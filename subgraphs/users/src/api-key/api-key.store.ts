import { conflict, notFound } from '@agentry/core';
import { inTransaction, type Db } from '@agentry/subgraph-kit';
import { lockUser } from '../user/user.store';
import { ApiKey } from './api-key.entity';

/* The only code that runs SQL on users.api_keys. */

/** At most this many live keys per user, so a script gone wrong cannot fill the table. */
const MAX_KEYS = 50;

export interface NewApiKey {
  userId: string;
  name: string;
  scopes: string[];
  prefix: string;
  secretHash: string;
}

/** Stores a key (CONFLICT at MAX_KEYS live keys; the user's row lock makes the count exact). */
export function createApiKey(db: Db, key: NewApiKey): Promise<ApiKey> {
  return inTransaction(db, async (m) => {
    await lockUser(m, key.userId);
    const [{ count }]: { count: number }[] = await m.query(
      'SELECT count(*)::int AS count FROM users.api_keys WHERE user_id = $1 AND revoked_at IS NULL',
      [key.userId],
    );
    if (count >= MAX_KEYS)
      throw conflict(`You already have ${MAX_KEYS} active API keys; revoke one first.`);
    const repo = m.getRepository(ApiKey);
    return repo.save(
      repo.create({
        userId: key.userId,
        name: key.name.trim(),
        prefix: key.prefix,
        secretHash: key.secretHash,
        scopes: [...new Set(key.scopes)],
        lastUsedAt: null,
        revokedAt: null,
      }),
    );
  });
}

/** A user's keys, newest first (revoked ones too). */
export const apiKeysOf = (db: Db, userId: string) =>
  db.getRepository(ApiKey).find({ where: { userId }, order: { createdAt: 'DESC' } });

/** Revokes one of the user's keys: true if it was live; NOT_FOUND if it is not theirs. */
export async function revokeApiKey(db: Db, userId: string, id: string): Promise<boolean> {
  const key = await db.getRepository(ApiKey).findOneBy({ id, userId });
  if (!key) throw notFound('API key', id);
  const [, revoked]: [unknown, number] = await db.query(
    'UPDATE users.api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
    [id],
  );
  return revoked > 0;
}

/** Who a live key acts for (the gateway's API-key sign-in). */
export interface KeyIdentity {
  apiKeyId: string;
  userId: string;
  roles: string[];
  scopes: string[];
}

/** The live key with this secret hash and its owner's roles; marks it used. */
export async function authenticateApiKey(db: Db, secretHash: string): Promise<KeyIdentity | null> {
  // Marks use at most every 30 s per key, so a busy key does not write on every request.
  const [key]: KeyIdentity[] = await db.query(
    `WITH k AS (
       SELECT k.id, k.user_id, k.scopes, u.roles, k.last_used_at
         FROM users.api_keys k JOIN users.users u ON u.id = k.user_id
        WHERE k.secret_hash = $1 AND k.revoked_at IS NULL
     ), touched AS (
       UPDATE users.api_keys SET last_used_at = now()
        WHERE id IN (SELECT id FROM k WHERE last_used_at IS NULL OR last_used_at < now() - interval '30 seconds')
     )
     SELECT id AS "apiKeyId", user_id AS "userId", roles, scopes FROM k`,
    [secretHash],
  );
  return key ?? null;
}

/** Of these key ids, the live ones with their owner's current roles (the gateway's re-check). */
export async function liveApiKeys(db: Db, ids: readonly string[]): Promise<KeyIdentity[]> {
  if (!ids.length) return [];
  return db.query(
    `SELECT k.id AS "apiKeyId", k.user_id AS "userId", u.roles, k.scopes
       FROM users.api_keys k JOIN users.users u ON u.id = k.user_id
      WHERE k.id = ANY($1::uuid[]) AND k.revoked_at IS NULL`,
    [[...ids]],
  );
}
