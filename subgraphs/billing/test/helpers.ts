import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { domainEvent, publishEvents } from '@agentry/events';
import { waitFor } from '@agentry/testing';

export { waitFor };

/** Publishes user.registered for real, as the users subgraph does; returns the event ids. */
export async function publishRegistered(db: DataSource, userIds: string[]): Promise<number> {
  await db.transaction((m) =>
    publishEvents(
      m,
      userIds.map((userId) =>
        domainEvent('user.registered', userId, { userId, name: 'Test User', roles: ['USER'] }),
      ),
    ),
  );
  const [{ max }] = await db.query(
    `SELECT max(id)::int AS max FROM events.log WHERE topic = 'user.registered'`,
  );
  return max;
}

/** Waits until the welcome consumer has applied every event up to `eventId`. */
export const consumed = (db: DataSource, eventId: number) =>
  waitFor(`billing.wallets to reach event ${eventId}`, async () => {
    const [row] = await db.query(
      `SELECT last_id::int AS last FROM events.consumers WHERE name = 'billing.wallets'`,
    );
    return row && row.last >= eventId;
  });

/** Registers users through the event and waits for their wallets. */
export async function registerUsers(db: DataSource, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await consumed(db, await publishRegistered(db, ids));
  return ids;
}

export const ledgerCount = async (db: DataSource) =>
  (await db.query('SELECT count(*)::int AS n FROM billing.ledger_entries'))[0].n as number;

export async function walletRow(db: DataSource, userId: string) {
  const [row] = await db.query(
    'SELECT balance::int AS balance, held::int AS held FROM billing.wallets WHERE user_id = $1',
    [userId],
  );
  return row as { balance: number; held: number } | undefined;
}

export const WALLET_QUERY = `query($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on User {
      id
      wallet {
        balance held available
        entries { totalCount edges { cursor node { id kind amount balanceAfter heldAfter reason taskId createdAt } } }
      }
    }
  }
}`;

export const userReps = (ids: string[]) => ({ r: ids.map((id) => ({ __typename: 'User', id })) });
