import { startConsumer } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';
import { applyToolServerSnapshot } from './tool-server-projection.store';

/**
 * Keeps tasks.tool_servers/tools/tool_grants equal to the agents subgraph's latest snapshot of
 * each server (`tool_server.updated` carries all of it), which callTool authorizes against.
 */
export async function startToolServerProjection(deps: SubgraphDeps) {
  const consumer = await startConsumer({
    name: 'tasks.tool-servers',
    topics: ['tool_server.updated'],
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: (event, m) => applyToolServerSnapshot(m, event.payload),
  });
  return () => consumer.stop();
}
