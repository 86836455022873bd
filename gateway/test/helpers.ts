import { SUBGRAPH_NAMES, subgraphUrlKey } from '@agentry/core';
import { freePort } from '@agentry/devstack';
import { testSecrets } from '@agentry/testing';
import { loadGatewayEnv } from '../src/env';
import { createGateway } from '../src/server';

/**
 * A gateway in this process on a free port, over the committed supergraph (no subgraph has to
 * run for what is refused before execution). `env` adds or overrides settings.
 */
export async function startGateway(env: NodeJS.ProcessEnv = {}) {
  const secrets = await testSecrets();
  // Subgraphs not started by the test are unreachable, never npm start's fixed ports.
  const closed = `http://127.0.0.1:${await freePort()}/graphql`;
  const unreachable = Object.fromEntries(SUBGRAPH_NAMES.map((n) => [subgraphUrlKey(n), closed]));
  const gateway = await createGateway(
    loadGatewayEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      SESSION_TOKEN_SECRET: secrets.sessionTokenSecret,
      GATEWAY_IDENTITY_PRIVATE_KEY: secrets.identity.privateKeyPem,
      ...unreachable,
      ...env,
    }),
  );
  const running = await gateway.listen(0, '127.0.0.1');
  return { ...running, gateway };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: any;
}

/** POSTs a raw body (default content type JSON) and reads the answer whatever it is. */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** POSTs one GraphQL operation. */
export const postQuery = (
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
  operationName?: string,
) => post(url, JSON.stringify({ query, variables, operationName }), headers);

/** What a response must never show, in any mode. */
export const LEAKS =
  /<html|<pre>|\bat \S+ \(|node_modules|\/work\/|\.ts:\d+|stacktrace|SELECT |INSERT /i;
