import { In, type EntityManager } from 'typeorm';
import { conflict, notFound } from '@agentry/core';
import { publishEvents } from '@agentry/events';
import { fromRows, inTransaction, selectColumns, type Db } from '@agentry/subgraph-kit';
import { Role, User } from './user.entity';

/*
 * The only code that runs SQL on users.users. Every change to a user's name or roles publishes
 * its domain event in the same transaction (user.registered, user.updated).
 */

/** E-mails are unique and stored lower-cased. */
const normalizeEmail = (email: string) => email.trim().toLowerCase();

const userEvent = (user: User) => ({
  key: user.id,
  payload: { userId: user.id, name: user.name, roles: user.roles },
});

export const usersByIds = (db: Db, ids: readonly string[]) =>
  db.getRepository(User).findBy({ id: In([...ids]) });

export const userByEmail = (db: Db, email: string) =>
  db.getRepository(User).findOneBy({ email: normalizeEmail(email) });

/** Holds the user's row lock until the caller's transaction ends (serializes per-user limits). */
export async function lockUser(m: EntityManager, userId: string): Promise<void> {
  await m.query('SELECT 1 FROM users.users WHERE id = $1 FOR UPDATE', [userId]);
}

export interface NewUser {
  email: string;
  name: string;
  /** argon2id, computed by the caller before the transaction opens. */
  passwordHash: string;
  roles: Role[];
}

/** Creates an account and publishes user.registered; CONFLICT when the e-mail is taken. */
export function registerUser(db: Db, user: NewUser): Promise<User> {
  return inTransaction(db, async (m) => {
    const rows: Record<string, unknown>[] = await m.query(
      `INSERT INTO users.users AS u (email, name, password_hash, roles) VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO NOTHING RETURNING ${selectColumns(m, User, 'u')}`,
      [normalizeEmail(user.email), user.name.trim(), user.passwordHash, user.roles],
    );
    const [created] = fromRows(m, User, rows);
    if (!created) throw conflict('An account with this e-mail already exists; sign in instead.');
    await publishEvents(m, [{ topic: 'user.registered', ...userEvent(created) }]);
    return created;
  });
}

/** The user's row, locked until the transaction ends. */
const lockedUser = (m: EntityManager, where: { id: string } | { email: string }) =>
  m.getRepository(User).findOne({ where, lock: { mode: 'pessimistic_write' } });

async function saveChanged(m: EntityManager, user: User): Promise<User> {
  const saved = await m.getRepository(User).save(user);
  await publishEvents(m, [{ topic: 'user.updated', ...userEvent(saved) }]);
  return saved;
}

export interface ProfilePatch {
  name?: string;
  /** true adds PUBLISHER; a role is never taken away here. */
  publisher?: boolean;
}

/** Applies a profile change under the user's row lock and publishes user.updated. */
export function updateProfile(db: Db, userId: string, patch: ProfilePatch): Promise<User> {
  return inTransaction(db, async (m) => {
    const user = await lockedUser(m, { id: userId });
    if (!user) throw notFound('User', userId);
    if (patch.name !== undefined) user.name = patch.name.trim();
    if (patch.publisher === true && !user.roles.includes(Role.PUBLISHER))
      user.roles = [...user.roles, Role.PUBLISHER];
    return saveChanged(m, user);
  });
}

/**
 * Adds a role to the user with this e-mail (the operator CLI: ADMIN is granted nowhere else) and
 * publishes user.updated. True if granted, false if the user already had it, null if no user has
 * this e-mail. Sessions carry roles, so it takes effect at the user's next sign-in.
 */
export function grantRole(db: Db, email: string, role: Role): Promise<boolean | null> {
  return inTransaction(db, async (m) => {
    const user = await lockedUser(m, { email: normalizeEmail(email) });
    if (!user) return null;
    if (user.roles.includes(role)) return false;
    user.roles = [...user.roles, role];
    await saveChanged(m, user);
    return true;
  });
}
