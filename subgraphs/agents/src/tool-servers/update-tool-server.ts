import type { EntityManager } from 'typeorm';
import { badInput } from '@agentry/core';
import type { Actor } from '../shared/actor';
import { lockForOwner } from './tool-server.access';
import type { ToolServer } from './tool-server.entity';
import { publishToolServer } from './tool-server.events';
import { assertToolsKnown } from './tool-server.rules';
import { reloadServer, updateServer } from './tool-server.store';
import { setEveryToolPrice, setToolPrices, toolNames } from './tool.store';

export interface ToolServerPatch {
  name?: string;
  public?: boolean;
  priceCredits?: number;
  toolPrices?: { name: string; priceCredits: number }[];
}

/**
 * Changes a listing (its owner): name, visibility, the default price (set on every tool) and
 * single prices, then publishes it, in the caller's transaction.
 */
export async function updateToolServer(
  m: EntityManager,
  actor: Actor,
  id: string,
  { toolPrices = [], ...listing }: ToolServerPatch,
): Promise<ToolServer> {
  await lockForOwner(m, actor, id, { admins: false });
  if (toolPrices.length) {
    const names = toolPrices.map((p) => p.name);
    if (new Set(names).size !== names.length) {
      throw badInput('toolPrices names a tool twice.', { argument: 'input.toolPrices' });
    }
    assertToolsKnown(names, await toolNames(m, id), 'input.toolPrices');
  }
  const changes = Object.values(listing).some((v) => v !== undefined) || toolPrices.length > 0;
  if (changes) await updateServer(m, id, { ...listing, updatedAt: () => 'now()' });
  if (listing.priceCredits !== undefined) await setEveryToolPrice(m, id, listing.priceCredits);
  if (toolPrices.length) await setToolPrices(m, id, toolPrices);
  await publishToolServer(m, id);
  return reloadServer(m, id);
}
