import type { DataSource } from 'typeorm';
import { sleep } from '@agentry/core';
import type { Consumer } from '@agentry/events';

/**
 * `Consumer.catchUp()` applies only events below the oldest transaction still running anywhere
 * in the cluster (that is how the consumer reads the log in commit order), so under write load
 * it can miss an event committed a moment ago. This first waits, up to `timeoutMs`, until every
 * transaction that was running when it was called has ended, then catches up.
 */
export async function catchUpCommitted(consumer: Consumer, db: DataSource, timeoutMs = 2000) {
  const [{ horizon }] = await db.query(
    'SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS horizon',
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ ready }] = await db.query(
      'SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::xid8 AS ready',
      [horizon],
    );
    if (ready || Date.now() > deadline) break;
    await sleep(10);
  }
  await consumer.catchUp();
}
