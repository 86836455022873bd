import { readFileSync, watchFile, unwatchFile } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer, HeaderMap } from '@apollo/server';
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
  createIdentitySigner,
  createLogger,
  ErrorCode,
  instanceHeader,
  jsonErrors,
  toPublicError,
  type Identity,
} from '@agentry/core';
import { metricsPlugin, metricsRoute } from '@agentry/metrics';
import { createGatewayMetrics } from './gateway-metrics';
import { createAuthenticator, createCredentialChecker } from './authenticate';
import { createRateLimits, limitsPlugin, MAX_TOKENS } from './limits';
import type { GatewayEnv } from './env';
import { createClientAddress } from './http/client-address';
import { readinessRoute } from './http/readiness';
import { responseStatusPlugin } from './http/status-plugin';
import { createUpstreamFetcher, pendingIdentity, PENDING_IDENTITY_HEADER } from './upstream';
import { createSubscriptionServer, type SubscriptionServerOptions } from './subscriptions';
import { createMcpRouter, PROTECTED_RESOURCE_PATHS, protectedResourceMetadata } from './mcp';
import { createWebClientRouter } from './web-client';

export interface GatewayContext {
  identity: Identity;
  /** The client's address (TRUST_PROXY decides whether X-Forwarded-For counts). */
  clientAddress?: string;
}

/**
 * Every request to a subgraph carries the caller's identity, freshly signed by the gateway (the
 * upstream fetcher signs it when a connection is free, see PENDING_IDENTITY_HEADER).
 */
class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, fetcher: UpstreamFetcher) {
    super({ url, fetcher });
  }
  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const identity = (options.context as Partial<GatewayContext>).identity ?? ANONYMOUS;
    options.request.http?.headers.set(PENDING_IDENTITY_HEADER, pendingIdentity(identity));
  }
}

type UpstreamFetcher = ReturnType<typeof createUpstreamFetcher>['fetcher'];

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
  const upstream = createUpstreamFetcher(env.upstream, log, sign);
  const metrics = createGatewayMetrics();
  const clientAddress = createClientAddress(env.trustProxy);
  const urlOf = (name: string, fallback?: string) =>
    env.subgraphUrlOverride(name) ?? fallback ?? routingUrls(supergraphSdl)[name];

  // @apollo/gateway otherwise sends usage metrics to Apollo and probes cloud metadata endpoints
  // (169.254.169.254) at construction; it reads only this variable. An operator may opt in.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
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
    buildService: ({ name, url }) =>
      new SignedDataSource(urlOf(name, url)!, metrics.timedFetcher(name, upstream.fetcher)),
    logger: log,
  });

  const authenticate = createAuthenticator({
    sessionSecret: env.SESSION_TOKEN_SECRET,
    usersUrl: () => urlOf('users')!,
    signIdentity: sign,
  });

  const rateLimits = createRateLimits(env.rateLimits);

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // Above the idle timeout of load balancers (60 s) and clients' pools, as the subgraphs do: the
  // client side closes idle connections first, so none is reused just as the gateway closes it.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  // graphql-ws on the same port and path; @apollo/gateway cannot execute subscriptions itself.
  const subscriptions = createSubscriptionServer({
    ...subscriptionOptions,
    httpServer,
    authenticate,
    sign,
    log,
    urlOverride: env.subgraphUrlOverride,
    isProd: env.NODE_ENV === 'production',
    checkCredentials: createCredentialChecker({
      usersUrl: () => urlOf('users')!,
      signIdentity: sign,
    }),
    credentialCheckMs: env.WS_CREDENTIAL_CHECK_MS,
    limits: env.limits,
    rateLimits,
    clientAddress,
    maxSubscriptionsPerSocket: env.MAX_SUBSCRIPTIONS_PER_SOCKET,
    maxSubscriptionsPerUser: env.MAX_SUBSCRIPTIONS_PER_USER,
    // The socket's client address, when the WebSocket side passes it, keys the same limits.
    executeOperation: async (request, identity, client?: { address?: string }) => {
      const { body } = await apollo.executeOperation(request, {
        contextValue: { identity, clientAddress: client?.address },
      });
      if (body.kind === 'single') return body.singleResult;
      return { errors: [{ message: 'Incremental delivery is not supported over WebSocket.' }] };
    },
  });
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => subscriptions.update(coreSupergraphSdl));
  metrics.watchSubscriptions(subscriptions);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: env.NODE_ENV !== 'production',
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    parseOptions: { maxTokens: MAX_TOKENS },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Depth, aliases, cost, throttles and rate limits: before execution, on both transports.
      limitsPlugin({ limits: env.limits, rateLimits }),
      responseStatusPlugin(),
      metricsPlugin<GatewayContext>(metrics.service),
    ],
    formatError: (formatted, error) =>
      toPublicError(
        formatted,
        () => log.error({ err: (error as GraphQLError)?.originalError ?? error }, 'internal error'),
        error,
      ),
  });
  await apollo.start();

  if (env.AGENTRY_INSTANCE_ID)
    app.use(['/health', '/ready'], instanceHeader(env.AGENTRY_INSTANCE_ID));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get(
    '/ready',
    readinessRoute(() => {
      const urls = routingUrls(supergraphSdl);
      return Object.fromEntries(Object.keys(urls).map((name) => [name, urlOf(name, urls[name])!]));
    }),
  );
  if (env.METRICS_TOKEN || env.NODE_ENV !== 'production')
    app.get('/metrics', metricsRoute(metrics.service, { token: env.METRICS_TOKEN }));
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
          return {
            identity: await authenticate(req.headers.authorization),
            clientAddress: clientAddress(req),
          };
        } catch (err) {
          // A bad credential is the caller's problem: 401, not Apollo's default 500; keys that
          // cannot be checked now are an outage: 503 with Retry-After.
          if (err instanceof GraphQLError) {
            const retryAfter = err.extensions.retryAfter;
            const http =
              err.extensions.code === ErrorCode.SERVICE_UNAVAILABLE
                ? { status: 503, headers: new HeaderMap([['retry-after', String(retryAfter)]]) }
                : { status: 401 };
            throw new GraphQLError(err.message, { extensions: { ...err.extensions, http } });
          }
          throw err;
        }
      },
    }),
  );

  // RFC 9728 metadata for /mcp, named by its 401 challenges (public: a client reads it first).
  app.get([...PROTECTED_RESOURCE_PATHS], (req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(protectedResourceMetadata(req));
  });

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

  // After the API routes, so the app's fallback to index.html can never shadow one of them.
  app.use(createWebClientRouter({ dir: env.WEB_CLIENT_DIR }));
  // Last: malformed bodies and anything thrown by a route become coded JSON errors.
  app.use(jsonErrors(log));

  return {
    log,
    /** The client address of a request as the limits see it (for the WebSocket side). */
    clientAddress,
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
          await upstream.close();
        },
      };
    },
  };
}
