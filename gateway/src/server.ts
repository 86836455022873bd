import { readFileSync, watchFile, unwatchFile } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import {
  ANONYMOUS,
  IDENTITY_HEADER,
  createIdentitySigner,
  createLogger,
  toPublicError,
  type Identity,
} from '@agentry/core';
import { createAuthenticator } from './authenticate';
import { depthLimit, MAX_TOKENS } from './limits';
import type { GatewayEnv } from './env';
import { createSubscriptionServer, type SubscriptionServerOptions } from './subscriptions';
import { createMcpRouter } from './mcp';
import { createWebClientRouter } from './web-client';

export interface GatewayContext {
  identity: Identity;
}

/** Every request to a subgraph carries the caller's identity, freshly signed by the gateway. */
class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly sign: (identity: Identity) => Promise<string>,
  ) {
    super({ url });
  }
  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const identity = (options.context as Partial<GatewayContext>).identity ?? ANONYMOUS;
    options.request.http?.headers.set(IDENTITY_HEADER, await this.sign(identity));
  }
}

/** Routing URLs as composed into the supergraph (`join__graph(name:, url:)`). */
function routingUrls(supergraphSdl: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const m of supergraphSdl.matchAll(/@join__graph\(name:\s*"([^"]+)",\s*url:\s*"([^"]+)"\)/g))
    urls[m[1]] = m[2];
  return urls;
}

/** An address that reaches a server listening on `host` from the same machine. */
function loopbackHost(host: string) {
  if (host === '' || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Tuning of the WebSocket side (tests shrink the slow-consumer limit, for instance). */
export type GatewaySubscriptionOptions = Pick<
  SubscriptionServerOptions,
  'keepAliveMs' | 'maxBufferedBytes' | 'slowCloseGraceMs' | 'entityTimeoutMs' | 'maxMessageBytes'
>;

export async function createGateway(
  env: GatewayEnv,
  subscriptionOptions: GatewaySubscriptionOptions = {},
) {
  const log = createLogger('gateway');
  const sign = await createIdentitySigner(env.GATEWAY_IDENTITY_PRIVATE_KEY);
  let supergraphSdl = readFileSync(env.SUPERGRAPH_PATH, 'utf8');
  const urlOf = (name: string, fallback?: string) =>
    env.subgraphUrlOverride(name) ?? fallback ?? routingUrls(supergraphSdl)[name];

  const gateway = new ApolloGateway({
    // The composed supergraph file, reloaded when `npm run codegen` rewrites it.
    supergraphSdl: async ({ update }) => {
      const onChange = () => {
        try {
          const next = readFileSync(env.SUPERGRAPH_PATH, 'utf8');
          if (next && next !== supergraphSdl) {
            supergraphSdl = next;
            update(next);
            log.info('supergraph reloaded');
          }
        } catch (err) {
          log.error({ err }, 'supergraph reload failed; keeping the current one');
        }
      };
      watchFile(env.SUPERGRAPH_PATH, { interval: 1000 }, onChange);
      return { supergraphSdl, cleanup: async () => unwatchFile(env.SUPERGRAPH_PATH, onChange) };
    },
    buildService: ({ name, url }) => new SignedDataSource(urlOf(name, url)!, sign),
    logger: log,
  });

  const authenticate = createAuthenticator({
    sessionSecret: env.SESSION_TOKEN_SECRET,
    usersUrl: () => urlOf('users')!,
    signIdentity: sign,
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // graphql-ws on the same port and path; @apollo/gateway cannot execute subscriptions itself.
  const subscriptions = createSubscriptionServer({
    ...subscriptionOptions,
    httpServer,
    authenticate,
    sign,
    log,
    urlOverride: env.subgraphUrlOverride,
    isProd: env.NODE_ENV === 'production',
    executeOperation: async (request, identity) => {
      const { body } = await apollo.executeOperation(request, { contextValue: { identity } });
      if (body.kind === 'single') return body.singleResult;
      return { errors: [{ message: 'Incremental delivery is not supported over WebSocket.' }] };
    },
  });
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => subscriptions.update(coreSupergraphSdl));
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: env.NODE_ENV !== 'production',
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    validationRules: [depthLimit()],
    parseOptions: { maxTokens: MAX_TOKENS },
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
    formatError: (formatted, error) =>
      toPublicError(formatted, () =>
        log.error({ err: (error as GraphQLError)?.originalError ?? error }, 'internal error'),
      ),
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get('/ready', (_req, res) => {
    res.json({ status: 'ready', service: 'gateway' });
  });
  if (env.NODE_ENV !== 'production')
    app.get('/debug/subscriptions', (_req, res) => {
      res.json(subscriptions.metrics());
    });
  app.use(
    '/graphql',
    express.json({ limit: env.BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          return { identity: await authenticate(req.headers.authorization) };
        } catch (err) {
          // A bad credential is the caller's problem: 401, not Apollo's default 500.
          if (err instanceof GraphQLError) {
            throw new GraphQLError(err.message, {
              extensions: { ...err.extensions, http: { status: 401 } },
            });
          }
          throw err;
        }
      },
    }),
  );

  // MCP tools run GraphQL on this very server, over loopback, once it listens.
  let graphqlEndpoint = '';
  app.use(
    '/mcp',
    createMcpRouter({
      authenticate,
      graphqlEndpoint: () => graphqlEndpoint,
      log,
      bodyLimit: '1mb',
    }),
  );

  // Last, so the app's fallback to index.html can never shadow an API route above.
  app.use(createWebClientRouter({ dir: env.WEB_CLIENT_DIR }));

  return {
    log,
    /** Live subscription counts: upstream per subgraph, client subscriptions, shared groups. */
    subscriptionMetrics: subscriptions.metrics,
    async listen(port = env.PORT, host = env.HOST) {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve());
      });
      const actual = (httpServer.address() as AddressInfo).port;
      const url = `http://${host}:${actual}/graphql`;
      graphqlEndpoint = `http://${loopbackHost(host)}:${actual}/graphql`;
      log.info({ url }, 'gateway listening');
      return {
        url,
        port: actual,
        stop: async () => {
          // Upgraded sockets would keep the HTTP server from closing: end them first.
          await subscriptions.dispose();
          await apollo.stop();
        },
      };
    },
  };
}
