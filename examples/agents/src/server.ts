import { startSeveral } from '@agentry/devstack';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { AGENT_CARD_PATH, type AgentCard } from '@a2a-js/sdk';
import { isLegacyJsonRpcMethod } from '@a2a-js/sdk/compat/v0_3';
import { DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import type { ExampleAgent, ExampleExecutor } from './agent';
import {
  EXAMPLE_AGENT_NAMES,
  EXAMPLE_AGENTS,
  type ExampleAgentName,
  type ExampleAgentOptions,
} from './registry';

/** Where the JSON-RPC endpoint is mounted, relative to the agent's base URL. */
export const JSON_RPC_PATH = '/a2a/jsonrpc';

export interface StartExampleAgentOptions<N extends ExampleAgentName> {
  /** TCP port; 0 or undefined picks a free one (read the URL from the result). */
  port?: number;
  /** Interface to listen on. Default '127.0.0.1': the examples are never exposed. */
  host?: string;
  /** The agent's own options (e.g. `{ steps: 4, stepMs: 150 }` for `worker`). */
  options?: ExampleAgentOptions<N>;
  /**
   * The A2A version the agent speaks. `0.3` serves it as an agent of A2A v0.3 only (what the
   * Python `a2a-sdk` <= 0.3 and older JS SDKs publish): a v0.3 card (top-level `url`,
   * `protocolVersion: "0.3.0"`) whatever version the client asks for, and only the v0.3 JSON-RPC
   * methods (`message/send`, `message/stream`, `tasks/get`, ...), through @a2a-js/sdk's v0.3
   * server side. Default `1.0`.
   */
  protocolVersion?: ExampleProtocolVersion;
}

export type ExampleProtocolVersion = '1.0' | '0.3';

export interface RunningExampleAgent {
  name: ExampleAgentName;
  /** Base URL; the card is at `<url>/.well-known/agent-card.json`. */
  url: string;
  cardUrl: string;
  /** The JSON-RPC endpoint the card advertises. */
  rpcUrl: string;
  protocolVersion: ExampleProtocolVersion;
  /** Aborts work in flight, closes open streams and the port. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The express app serving one agent: its card at the well-known path and JSON-RPC at
 * {@link JSON_RPC_PATH}. Separate from listening because the card must carry the real URL,
 * which is only known once the port is bound.
 */
export function createExampleAgentApp(
  agent: ExampleAgent<object>,
  executor: ExampleExecutor,
  baseUrl: string,
  {
    options,
    protocolVersion = '1.0',
  }: { options?: object; protocolVersion?: ExampleProtocolVersion } = {},
): express.Express {
  const card = agent.card(`${baseUrl}${JSON_RPC_PATH}`, options);
  if (protocolVersion === '0.3') {
    // The SDK's v0.3 request handling checks the version each call announces ("0.3").
    for (const i of card.supportedInterfaces) i.protocolVersion = '0.3';
  }
  const store = agent.createTaskStore?.(options) ?? new InMemoryTaskStore();
  const requestHandler = new DefaultRequestHandler(card, store, executor);
  const app = express();
  if (protocolVersion === '0.3') {
    // A v0.3-only agent: a v0.3 card (no v1.0 interfaces) for every client, and the v0.3
    // methods only.
    const legacyCard = toV03Card(card);
    app.get(`/${AGENT_CARD_PATH}`, (_req, res) => {
      res.json(legacyCard);
    });
    app.use(JSON_RPC_PATH, express.json(), (req, res, next) => {
      const method: unknown = (req.body as { method?: unknown } | undefined)?.method;
      if (isLegacyJsonRpcMethod(method)) return next();
      res.json({
        jsonrpc: '2.0',
        id: (req.body as { id?: unknown } | undefined)?.id ?? null,
        error: { code: -32601, message: `Method not found: ${String(method)}` },
      });
    });
    app.use(
      JSON_RPC_PATH,
      jsonRpcHandler({
        requestHandler,
        userBuilder: UserBuilder.noAuthentication,
        legacyCompat: { enabled: true },
      }),
    );
    return app;
  }
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: requestHandler }));
  app.use(
    JSON_RPC_PATH,
    jsonRpcHandler({ requestHandler, userBuilder: UserBuilder.noAuthentication }),
  );
  return app;
}

/** The card as an A2A v0.3 agent publishes it (the v0.3 spec's AgentCard). */
function toV03Card(card: AgentCard) {
  const rpc = card.supportedInterfaces[0];
  return {
    protocolVersion: '0.3.0',
    name: card.name,
    description: card.description,
    url: rpc.url,
    preferredTransport: 'JSONRPC',
    version: card.version,
    ...(card.provider
      ? { provider: { organization: card.provider.organization, url: card.provider.url } }
      : {}),
    capabilities: {
      streaming: card.capabilities?.streaming ?? false,
      pushNotifications: card.capabilities?.pushNotifications ?? false,
      stateTransitionHistory: false,
    },
    defaultInputModes: card.defaultInputModes,
    defaultOutputModes: card.defaultOutputModes,
    skills: card.skills.map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description,
      tags: s.tags,
      examples: s.examples,
    })),
  };
}

export async function startExampleAgent<N extends ExampleAgentName>(
  name: N,
  {
    port = 0,
    host = '127.0.0.1',
    options,
    protocolVersion = '1.0',
  }: StartExampleAgentOptions<N> = {},
): Promise<RunningExampleAgent> {
  const agent = EXAMPLE_AGENTS[name].agent as ExampleAgent<object>;
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${bound}`;
  const executor = agent.createExecutor(options);
  server.on('request', createExampleAgentApp(agent, executor, url, { options, protocolVersion }));

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= new Promise<void>((resolve) => {
      executor.shutdown?.();
      server.close(() => resolve());
      // Open SSE streams would otherwise keep close() waiting for their clients.
      server.closeAllConnections();
    }));
  return {
    name,
    url,
    cardUrl: `${url}/${AGENT_CARD_PATH}`,
    rpcUrl: `${url}${JSON_RPC_PATH}`,
    protocolVersion,
    stop,
  };
}

export interface StartExampleAgentsOptions {
  /**
   * Port of the first agent of {@link EXAMPLE_AGENTS}; the others follow in that order. Default:
   * each agent's own default port (4101...). 0 gives every agent a free port.
   */
  basePort?: number;
}

/** Starts several agents (default: all); if one fails to start, the others are stopped. */
export async function startExampleAgents(
  names: readonly ExampleAgentName[] = EXAMPLE_AGENT_NAMES,
  { basePort }: StartExampleAgentsOptions = {},
): Promise<RunningExampleAgent[]> {
  return startSeveral(
    names,
    EXAMPLE_AGENT_NAMES,
    (name) => EXAMPLE_AGENTS[name].defaultPort,
    basePort,
    (name, port) => startExampleAgent(name, { port }),
  );
}

// A wildcard bind is reachable on loopback; an IPv6 literal needs brackets in a URL.
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
