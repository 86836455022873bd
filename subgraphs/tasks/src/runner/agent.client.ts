import { createA2AClient, type A2AClient, type SendInput } from '@agentry/a2a-adapter';
import { PartKind, partsText, type Part } from '../task/part.type';
import type { TasksEnv } from '../env';

/** Clients by agent URL, kept a minute: a client holds the agent's card, read once. */
const clients = new Map<string, { client: Promise<A2AClient>; until: number }>();
const CLIENT_TTL_MS = 60_000;

/** An A2A client for the agent whose card is found from `url` (see @agentry/a2a-adapter). */
export function agentClient(url: string, env: TasksEnv): Promise<A2AClient> {
  const hit = clients.get(url);
  if (hit && hit.until > Date.now()) return hit.client;
  const client = createA2AClient(url, {
    allowPrivate: env.allowPrivateUrls,
    timeoutMs: 10_000,
    idleTimeoutMs: env.TASK_AGENT_TIMEOUT_MS,
    pollIntervalMs: 500,
  });
  clients.set(url, { client, until: Date.now() + CLIENT_TTL_MS });
  // A failed card read is not cached: the next call tries again.
  client.catch(() => clients.delete(url));
  return client;
}

/** A stored message, as input for the agent again (the first send, or a reply). */
export function partsToSendInput(parts: Part[]): SendInput {
  const text = partsText(parts);
  const data = parts.find((p) => p.kind === PartKind.DATA)?.data;
  const files = parts
    .filter((p) => p.kind === PartKind.FILE && p.file)
    .map((p) => ({
      name: p.file!.name ?? undefined,
      mimeType: p.file!.mimeType ?? undefined,
      uri: p.file!.uri ?? undefined,
      bytes: p.file!.bytes ?? undefined,
    }));
  return {
    ...(text ? { text } : {}),
    ...(data !== undefined ? { data } : {}),
    ...(files.length ? { files } : {}),
  };
}
