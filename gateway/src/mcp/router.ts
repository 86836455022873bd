import express, { type NextFunction, type Request, type Response } from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { GraphQLError } from 'graphql';
import type { Logger } from '@agentry/core';
import type { Authenticator } from '../authenticate';
import { createGraphQLCaller } from './graphql';
import { bearerChallenge } from './protected-resource';
import { createMarketplaceMcpServer } from './server';

export interface McpRouterOptions {
  /** The gateway's authenticator: the same credentials as on /graphql. */
  authenticate: Authenticator;
  /** The gateway's own GraphQL endpoint, known once it listens. */
  graphqlEndpoint: () => string;
  log: Logger;
  /** Largest accepted JSON body (default `1mb`). */
  bodyLimit?: string;
}

/** JSON-RPC error codes used before the MCP layer runs (the SDK's own are -32000..-32700). */
const UNAUTHORIZED = -32001;
const SERVER_ERROR = -32000;

function rpcError(res: Response, status: number, code: number, message: string) {
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/**
 * 401 with the MCP authorization spec's challenge (see protected-resource.ts); `refused` says
 * why a credential that was sent is not accepted (left out when none was sent).
 */
function unauthorized(req: Request, res: Response, message: string, refused: boolean) {
  const bearer = /^bearer\s/i.test(req.headers.authorization ?? '');
  res.setHeader(
    'WWW-Authenticate',
    bearerChallenge(
      req,
      refused
        ? { code: bearer ? 'invalid_token' : 'invalid_request', description: message }
        : undefined,
    ),
  );
  rpcError(res, 401, UNAUTHORIZED, message);
}

/**
 * `/mcp`: MCP Streamable HTTP in stateless mode — every POST gets its own server and transport,
 * so any gateway replica can answer any request. The caller must present a credential; each tool
 * then runs GraphQL on /graphql with that same Authorization header.
 */
export function createMcpRouter(options: McpRouterOptions) {
  const router = express.Router();

  router.post('/', async (req: Request, res: Response, next: NextFunction) => {
    const authorization = req.headers.authorization;
    if (!authorization) {
      unauthorized(
        req,
        res,
        'Send "Authorization: Bearer <API key or session token>" (create an API key with createApiKey).',
        false,
      );
      return;
    }
    try {
      await options.authenticate(authorization);
    } catch (err) {
      // UNAUTHENTICATED messages are written for callers; anything else is not shown.
      if (err instanceof GraphQLError && err.extensions.code === 'UNAUTHENTICATED') {
        unauthorized(req, res, err.message, true);
      } else {
        // Not the caller's fault: no challenge, so clients retry instead of asking for a login.
        options.log.error({ err }, 'MCP authentication failed');
        res.setHeader('Retry-After', '5');
        rpcError(
          res,
          503,
          SERVER_ERROR,
          'The credential cannot be checked right now; try again shortly.',
        );
      }
      return;
    }
    next();
  });
  router.post('/', express.json({ limit: options.bodyLimit ?? '1mb' }));
  router.post('/', async (req: Request, res: Response) => {
    const call = createGraphQLCaller({
      endpoint: options.graphqlEndpoint,
      authorization: req.headers.authorization!,
    });
    const server = createMarketplaceMcpServer({ call, log: options.log });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      maxRequestBodySize: 1024 * 1024,
    });
    // The response ends (or the client leaves): close both, which aborts any tool still waiting.
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      options.log.error({ err }, 'MCP request failed');
      if (!res.headersSent) rpcError(res, 500, -32603, 'Internal server error.');
    }
  });

  // Stateless: no standalone SSE stream to GET and no session to DELETE.
  router.all('/', (_req: Request, res: Response) => {
    res.setHeader('Allow', 'POST');
    rpcError(
      res,
      405,
      SERVER_ERROR,
      'Method not allowed: this MCP server is stateless; POST only.',
    );
  });

  // Body errors (malformed JSON, over the limit) answered as JSON-RPC, not as HTML.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number }).status;
    if (status === 413) return rpcError(res, 413, -32600, 'The request body is too large (1 MB).');
    if (status === 400) return rpcError(res, 400, -32700, 'Parse error: the body is not JSON.');
    options.log.error({ err }, 'MCP request failed');
    rpcError(res, 500, -32603, 'Internal server error.');
  });

  return router;
}
