import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { GraphQLError, parse, validate, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { DataSource } from 'typeorm';
import {
  IDENTITY_HEADER,
  instanceHeader,
  jsonErrors,
  toPublicError,
  type Identity,
  type Logger,
  type RunMode,
} from '@agentry/core';
import { metricsPlugin, metricsRoute, type ServiceMetrics } from '@agentry/metrics';
import { createContext, type SubgraphContext } from './context';
import { requestScope, type SqlCounter } from './datasource';

export interface SubgraphServerOptions<C extends SubgraphContext> {
  name: string;
  schema: GraphQLSchema;
  dataSource: DataSource;
  /** Verifies the gateway-signed identity token (see @agentry/core `createIdentityVerifier`). */
  verifyIdentity: (token: string | undefined) => Promise<Identity | null>;
  log: Logger;
  mode: RunMode;
  /** Adds subgraph-specific members to the per-request context. */
  extendContext?: (base: SubgraphContext) => C;
  /** Extra routes (e.g. internal endpoints), mounted before `/graphql`. */
  routes?: (app: express.Express) => void;
  /** Exposes `/debug/sql` (the SQL statement counter). Never on in production. */
  debugSql?: SqlCounter;
  /** JSON body limit for `/graphql` (default `1mb`). */
  bodyLimit?: string;
  /**
   * How long an idle keep-alive connection stays open (default 65 000 ms). It must stay above the
   * gateway's upstream pool idle timeout (4 000 ms by default), so that the gateway, not the
   * subgraph, closes idle sockets and never reuses one the subgraph is closing.
   */
  keepAliveTimeoutMs?: number;
  /**
   * Serve subscriptions over graphql-ws on `/graphql` (default false). The socket must be opened
   * with a gateway-signed token in `connectionParams["x-agentry-identity"]`; each operation
   * carries the end user's gateway-signed identity in `extensions.identity`.
   */
  subscriptions?: boolean;
  /** Operations are timed and counted here, and `/metrics` serves it. */
  metrics?: ServiceMetrics;
  /** When set, `/metrics` requires it as a bearer token. */
  metricsToken?: string;
  /** Echoed in INSTANCE_HEADER by `/health` and `/ready` (see @agentry/core INSTANCE_HEADER). */
  instanceId?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Builds the HTTP server of a subgraph: `/graphql` accepting only requests carrying a valid
 * gateway identity token, `/health` (the process lives) and `/ready` (its database answers).
 */
export async function createSubgraphServer<C extends SubgraphContext>(
  options: SubgraphServerOptions<C>,
) {
  const { log } = options;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // Set explicitly (Node's default is 5 s): see `keepAliveTimeoutMs`. headersTimeout must exceed
  // it, or a request arriving on a socket about to expire could be cut while sending headers.
  httpServer.keepAliveTimeout = options.keepAliveTimeoutMs ?? 65_000;
  httpServer.headersTimeout = httpServer.keepAliveTimeout + 1_000;
  const apollo = new ApolloServer<C>({
    schema: options.schema,
    introspection: options.mode !== 'production',
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // No Apollo Studio: inline traces would only cost time per request.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginInlineTraceDisabled(),
      ...(options.metrics ? [metricsPlugin<C>(options.metrics)] : []),
    ],
    formatError: (formatted, error) =>
      toPublicError(
        formatted,
        () => log.error({ err: (error as GraphQLError)?.originalError ?? error }, 'internal error'),
        error,
      ),
  });
  await apollo.start();

  if (options.instanceId) app.use(['/health', '/ready'], instanceHeader(options.instanceId));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await options.dataSource.query('SELECT 1');
      res.json({ status: 'ready', service: options.name });
    } catch {
      res.status(503).json({ status: 'unavailable', service: options.name });
    }
  });
  if (options.metrics)
    app.get('/metrics', metricsRoute(options.metrics, { token: options.metricsToken }));
  if (options.debugSql && options.mode !== 'production') {
    const counter = options.debugSql;
    app.get('/debug/sql', (_req, res) => {
      res.json({ count: counter.count });
    });
  }
  // The signature is checked before a byte of a body is read: an unsigned caller cannot make
  // this process buffer or parse anything. Internal routes check the kind of caller themselves.
  const requireSignature = signatureCheck(options.verifyIdentity, 'graphql');
  app.use('/internal', signatureCheck(options.verifyIdentity, 'internal'));
  options.routes?.(app);

  app.use(
    '/graphql',
    (_req, _res, next) => requestScope.run(true, next),
    requireSignature,
    express.json({ limit: options.bodyLimit ?? '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const { identity, token } = verified.get(req)!;
        const base = createContext(identity, log, options.dataSource, token);
        return (options.extendContext ? options.extendContext(base) : base) as C;
      },
    }),
  );
  // Malformed bodies (bad JSON, unsupported charset, too large) and anything thrown by a route:
  // a JSON error with a code, never Express's HTML page with a stack trace.
  app.use(jsonErrors(log));

  const wsServer = options.subscriptions ? serveSubscriptions(httpServer, options) : null;

  return {
    app,
    async listen(port: number, host = '127.0.0.1'): Promise<RunningServer> {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve());
      });
      const actual = (httpServer.address() as AddressInfo).port;
      const url = `http://${host}:${actual}/graphql`;
      log.info({ url }, `${options.name} subgraph listening`);
      return {
        url,
        port: actual,
        stop: async () => {
          // Drains requests in flight; the caller then stops services and closes the database.
          await wsServer?.dispose();
          await apollo.stop();
        },
      };
    },
  };
}

/** Identities verified before the body was read, handed to the GraphQL context. */
const verified = new WeakMap<express.Request, { identity: Identity; token: string }>();

/**
 * Middleware answering 401 UNAUTHENTICATED (JSON) to a request without a valid gateway token:
 * as GraphQL errors on `/graphql`, as `{code, message}` (the internal routes' shape) elsewhere.
 */
function signatureCheck(
  verifyIdentity: (token: string | undefined) => Promise<Identity | null>,
  shape: 'graphql' | 'internal',
): express.RequestHandler {
  const message = 'This service only accepts requests signed by the Agentry gateway.';
  const body =
    shape === 'graphql'
      ? { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }
      : { code: 'UNAUTHENTICATED', message };
  return async (req, res, next) => {
    const header = req.headers[IDENTITY_HEADER];
    const token = Array.isArray(header) ? header[0] : header;
    const identity = await verifyIdentity(token).catch(() => null);
    if (!identity || !token) {
      // The body is left unread: close the connection rather than drain what may be megabytes.
      res.setHeader('connection', 'close');
      res.status(401).json(body);
      return;
    }
    verified.set(req, { identity, token });
    next();
  };
}

/** graphql-ws on the subgraph's own port and path, authenticated like HTTP (see the option). */
function serveSubscriptions<C extends SubgraphContext>(
  httpServer: http.Server,
  options: SubgraphServerOptions<C>,
) {
  const { log } = options;
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const unauthenticated = (message: string) =>
    new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });
  const format = (errors: readonly GraphQLError[]) =>
    errors.map((e) =>
      toPublicError(e.toJSON(), () => log.error({ err: e.originalError ?? e }, 'internal error')),
    );
  const server = useServer<Record<string, unknown>, { identityToken?: string }>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const token = ctx.connectionParams?.[IDENTITY_HEADER];
        // Only the gateway (or a service holding its key) may open a socket here.
        return (
          (await options.verifyIdentity(typeof token === 'string' ? token : undefined)) !== null
        );
      },
      onSubscribe: async (_ctx, _id, payload) => {
        const token = payload.extensions?.identity;
        const identity = await options.verifyIdentity(
          typeof token === 'string' ? token : undefined,
        );
        if (!identity)
          return [unauthenticated('The subscription carries no valid gateway identity.')];
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err as GraphQLError];
        }
        const errors = validate(options.schema, document);
        if (errors.length) return errors;
        const base = createContext(identity, log, options.dataSource, token as string);
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: options.extendContext ? options.extendContext(base) : base,
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
  );
  return { dispose: () => server.dispose() };
}
