import type { EntityManager } from 'typeorm';
import { publishEvents } from '@agentry/events';
import { serverSnapshot } from './tool-server.store';

/** Publishes `tool_server.updated` with the server's whole current snapshot, in the caller's transaction. */
export async function publishToolServer(m: EntityManager, serverId: string): Promise<void> {
  const payload = await serverSnapshot(m, serverId);
  await publishEvents(m, [{ topic: 'tool_server.updated', key: serverId, payload }]);
}
