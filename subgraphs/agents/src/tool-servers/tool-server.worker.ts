import type { PeerSettings } from '../env';
import type { RefreshTarget } from '../shared/refresher';
import { recordToolServerCheck } from './tool-server-check';
import { checkToolServer, type ToolServerCheck } from './tool-server.describe';
import { ToolServerStatus, type ToolServer } from './tool-server.entity';
import { claimDueServers } from './tool-server.store';

/**
 * Registered MCP servers, for the periodic refresher: each is described again and what came of
 * it recorded (and published only when it changed something).
 */
export const toolServers = (
  settings: PeerSettings,
): RefreshTarget<ToolServer, ToolServerCheck, ToolServer, 'online' | 'unavailable'> => ({
  what: 'tool server',
  idField: 'toolServerId',
  outcomes: ['online', 'unavailable'],
  claim: claimDueServers,
  check: (server) => checkToolServer(server.url, settings),
  record: (m, server, check) => recordToolServerCheck(m, server.id, check, { publish: 'onChange' }),
  outcome: (saved) => (saved.status === ToolServerStatus.ONLINE ? 'online' : 'unavailable'),
});
