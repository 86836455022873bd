import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createLogger } from '@agentry/core';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@agentry/devstack';
import {
  domainEvent,
  ensureEventsSchema,
  listen,
  publishEvents,
  startConsumer,
  type Consumer,
  type PgListener,
} from '@agentry/events';
import { waitFor } from '@agentry/testing';

/**
 * LISTEN connections survive a PostgreSQL restart. This suite runs its OWN cluster (it kills it),
 * and gives the consumer a poll interval far longer than the test, so what it receives after
 * the restart can only have come through a notification on a re-established LISTEN.
 */
describe('LISTEN across a PostgreSQL restart', () => {
  const log = createLogger('listener-test');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agentry-listen-'));
  const dataDir = path.join(dir, 'pg');
  let pg: EmbeddedPostgres;
  let db: DataSource;
  let listener: PgListener;
  let consumer: Consumer;
  const notified: string[] = [];
  const handled: string[] = [];

  const restartPostgres = async () => {
    await pg.kill();
    pg = await startEmbeddedPostgres({ dataDir, port: pg.port, persistent: true });
  };
  const publishUser = (userId: string) =>
    db.transaction((m) =>
      publishEvents(m, [
        domainEvent('user.registered', userId, { userId, name: 'u', roles: ['USER'] }),
      ]),
    );

  before(async () => {
    pg = await startEmbeddedPostgres({ dataDir, persistent: true });
    db = new DataSource({ type: 'postgres', url: pg.url, extra: { max: 3 } });
    await db.initialize();
    await ensureEventsSchema(db);
    listener = await listen({
      url: pg.url,
      channel: 'listener_test',
      log,
      onNotification: (payload) => notified.push(payload ?? ''),
      minBackoffMs: 50,
      maxBackoffMs: 500,
    });
    consumer = await startConsumer({
      name: `test.listener-${randomBytes(3).toString('hex')}`,
      topics: ['user.registered'],
      dataSource: db,
      url: pg.url,
      log,
      pollMs: 3_600_000,
      handle: async (event) => {
        handled.push(event.key);
      },
    });
  });

  after(async () => {
    await consumer?.stop();
    await listener?.stop();
    await db?.destroy().catch(() => {});
    await pg?.stop();
    // The cluster may live elsewhere (a relocated data directory, see startEmbeddedPostgres).
    if (pg) rmSync(pg.dataDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers notifications again after PostgreSQL is killed and restarted', async () => {
    const before = randomUUID();
    await publishUser(before);
    await waitFor('the consumer to apply the first event', async () => handled.includes(before));

    await restartPostgres();
    await waitFor('LISTEN to be re-established', async () => listener.connected);
    assert.equal(listener.reconnects, 1);

    const notify = async (payload: string) => {
      const c = new Client({ connectionString: pg.url });
      await c.connect();
      await c.query('SELECT pg_notify($1, $2)', ['listener_test', payload]);
      await c.end();
    };
    await notify('after-restart');
    await waitFor('a notification after the restart', async () =>
      notified.includes('after-restart'),
    );

    // The consumer's own listener is back too: an event reaches it without its (hour-long) poll.
    // The pool's connections died with the server; TypeORM's pool replaces them on demand.
    const after = randomUUID();
    await waitFor('the database to accept writes', () =>
      publishUser(after).then(
        () => true,
        () => false,
      ),
    );
    await waitFor('the consumer to apply an event published after the restart', async () =>
      handled.includes(after),
    );
  });
});
