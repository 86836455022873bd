import { createHash } from 'node:crypto';
import type http from 'node:http';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  print,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import DataLoader from 'dataloader';
import { ErrorCode, unauthenticated, type Identity, type Logger, type Role } from '@agentry/core';
import { sessionExpiry, type Authenticator, type CredentialChecker } from '../authenticate';
import {
  checkOperation,
  depthLimit,
  MAX_TOKENS,
  rateLimitKey,
  type OperationLimits,
  type RateLimits,
} from '../limits';
import { createCredentialWatch } from './credentials';
import { gatewayError, publicError, toGraphQLErrors } from './errors';
import { createMetrics, type SubscriptionMetrics } from './metrics';
import { createPlanningState, type PlanningState } from './planner';
import { createSharedSubscriptions } from './shared';
import { createUpstreamPool } from './upstream';
import { resumable, RESUME_VARIABLE } from './resume';

export interface SubscriptionServerOptions {
  /** The gateway's HTTP server; graphql-ws shares its port. */
  httpServer: http.Server;
  /** Path of the WebSocket endpoint (default `/graphql`, the same as HTTP). */
  path?: string;
  /** The same authenticator as HTTP; `connection_init` carries `{authorization: "Bearer ..."}`. */
  authenticate: Authenticator;
  /** Signs identity tokens with the gateway's key. */
  sign: (identity: Identity) => Promise<string>;
  log: Logger;
  /** A configured URL for a subgraph (`SUBGRAPH_<NAME>_URL`); else the supergraph's routing URL. */
  urlOverride?: (subgraph: string) => string | undefined;
  /**
   * Runs queries and mutations sent over the socket through the HTTP pipeline (same planner,
   * limits and error formatting). Without it they are refused with BAD_REQUEST.
   */
  executeOperation?: (
    request: { query: string; variables?: Record<string, unknown>; operationName?: string },
    identity: Identity,
    client?: { address?: string },
  ) => Promise<FormattedExecutionResult>;
  /**
   * Re-checks the API keys and users of open sockets with the users subgraph every
   * `credentialCheckMs`: a revoked key, a removed role or an expired session closes the socket
   * with 4403. Without it only session expiry is enforced.
   */
  checkCredentials?: CredentialChecker;
  /** How often open sockets' credentials are re-checked, in ms (default 2000). */
  credentialCheckMs?: number;
  /** The static limits of HTTP (depth, aliases, directives, root fields, cost), `checkOperation`. */
  limits?: OperationLimits;
  /** The rate limits of HTTP; each subscription is one operation of its cost. */
  rateLimits?: RateLimits;
  /** The client's address of an upgrade request, as HTTP computes it (TRUST_PROXY). */
  clientAddress?: (request: http.IncomingMessage) => string;
  /** Subscriptions open at once on one socket (default 100). */
  maxSubscriptionsPerSocket?: number;
  /** Subscriptions open at once per user, or per client address when anonymous (default 500). */
  maxSubscriptionsPerUser?: number;
  /** Server ping interval; a socket that misses a pong for as long is cut (default 12 000 ms). */
  keepAliveMs?: number;
  /** Unsent bytes after which a client socket is closed with 1013 (default 4 MiB). */
  maxBufferedBytes?: number;
  /** Grace for a slow socket's close frame before it is cut (default 5000 ms). */
  slowCloseGraceMs?: number;
  /** Timeout of one `_entities` request (default 10 000 ms). */
  entityTimeoutMs?: number;
  /** Largest message a client may send (default 1 MiB). */
  maxMessageBytes?: number;
  /** Production mode: graphql-ws hides internal error messages in close reasons. */
  isProd?: boolean;
}

interface SubscriptionContext {
  identity: Identity;
  /** The `authorization` of `connection_init`, re-checked before each query or mutation. */
  authorization?: string;
  /** The client's address (rate limits of anonymous callers). */
  address?: string;
  /** Gives back this subscription's place in the per-socket and per-user limits (once). */
  release: () => void;
  socket: WebSocket;
  id: string;
  query: string;
  variables: Record<string, unknown>;
  state: PlanningState;
}

/** JSON with sorted keys: equal variables give equal dedup keys whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

const printed = new WeakMap<DocumentNode, string>();
/** `print(document)`, once per parsed document (the same one serves every socket sending it). */
function printOnce(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) printed.set(document, (text = print(document)));
  return text;
}

/** Subscriptions are shared only between callers with the same user, roles and scopes. */
function dedupKey(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  identity: Identity,
) {
  return createHash('sha256')
    .update(
      stableJson([
        printOnce(document),
        operationName ?? null,
        variables,
        identity.userId,
        [...identity.roles].sort(),
        identity.scopes ? [...identity.scopes].sort() : null,
      ]),
    )
    .digest('base64url');
}

/**
 * Serves GraphQL over WebSocket (graphql-ws) on the gateway's own port and executes federated
 * subscriptions itself (@apollo/gateway refuses them): plan with the query planner, subscribe to
 * the owning subgraph, complete each event with `_entities` fetches, share identical
 * subscriptions. Call `update` with every supergraph the gateway loads.
 */
export function createSubscriptionServer(options: SubscriptionServerOptions) {
  const { log } = options;
  const metrics = createMetrics();
  let state: PlanningState | undefined;
  const urlOf = (subgraph: string) =>
    options.urlOverride?.(subgraph) ?? state?.routingUrls.get(subgraph);
  const upstream = createUpstreamPool({ urlOf, sign: options.sign, log, metrics });
  const shared = createSharedSubscriptions({
    log,
    metrics,
    maxBufferedBytes: options.maxBufferedBytes,
    slowCloseGraceMs: options.slowCloseGraceMs,
  });

  const wss = new WebSocketServer({
    server: options.httpServer,
    path: options.path ?? '/graphql',
    maxPayload: options.maxMessageBytes ?? 1024 * 1024,
  });

  function subscribe(args: ExecutionArgs): ExecutionResult | AsyncIterableIterator<never> {
    const ctx = args.contextValue as SubscriptionContext;
    const { state: current, identity } = ctx;
    // A subscription by cursor is run with the gateway's own `after`, so its upstream resumes
    // after the last event received whenever the subgraph's socket reconnects.
    const operation = getOperationAST(args.document, args.operationName);
    const resume = operation
      ? resumable(current.apiSchema, args.document, operation, ctx.variables)
      : null;
    let plan;
    try {
      plan = current.planSubscription(resume?.document ?? args.document, args.operationName);
    } catch (err) {
      log.error({ err }, 'subscription could not be planned');
      ctx.release();
      return { errors: toGraphQLErrors([gatewayError('This subscription cannot be planned.')]) };
    }
    const key = dedupKey(args.document, args.operationName, ctx.variables, identity);
    const variables = resume
      ? { ...ctx.variables, [RESUME_VARIABLE]: resume.after }
      : ctx.variables;
    const variablesFor = (names: readonly string[] = []) =>
      Object.fromEntries(names.filter((n) => n in variables).map((n) => [n, variables[n]]));
    return shared.join(
      key,
      async () => ({
        upstream: await upstream.subscribe(plan.primary.serviceName, {
          query: plan.primary.operation,
          operationName: plan.primary.operationName,
          variables: variablesFor(plan.primary.variableUsages),
          identity,
          resume: resume ? { responseKey: resume.responseKey } : undefined,
        }),
        context: {
          plan,
          document: args.document,
          operationName: args.operationName,
          rawVariables: args.variableValues as Record<string, unknown> | undefined,
          schema: current.apiSchema,
          identity,
          variables,
          urlOf,
          sign: options.sign,
          log,
          timeoutMs: options.entityTimeoutMs ?? 10_000,
        },
      }),
      ctx.socket,
      ctx.id,
      // From a cursor, a newcomer gets the group's history (what it would replay alone); without
      // one, what a lone subscription gets depends on when it starts: share only until then.
      resume?.after ? 'history' : 'beforeFirstEvent',
      ctx.release,
    );
  }

  async function execute(args: ExecutionArgs): Promise<ExecutionResult> {
    const ctx = args.contextValue as SubscriptionContext;
    if (!options.executeOperation)
      return {
        errors: refuse('Send queries and mutations over HTTP POST.', 'BAD_REQUEST'),
      };
    // Over HTTP every request presents its key again; here the socket's key is looked up again
    // before anything runs, so a revoked key cannot start work (e.g. sendTask) meanwhile.
    let identity = ctx.identity;
    if (!watch.allowed(ctx.socket))
      return { errors: refuse('Sign in again: this connection is closed.', UNAUTHENTICATED) };
    if (identity.apiKeyId) {
      try {
        const now = await options.authenticate(ctx.authorization);
        if (identity.roles.some((r) => !now.roles.includes(r))) throw unauthenticated();
        identity = now;
      } catch (err) {
        const code = (err as GraphQLError).extensions?.code;
        if (code !== UNAUTHENTICATED)
          return { errors: toGraphQLErrors([gatewayError((err as Error).message, String(code))]) };
        watch.refuse(ctx.socket, 'The API key was revoked.');
        return { errors: refuse('The API key is invalid or revoked.', UNAUTHENTICATED) };
      }
    }
    const result = await options.executeOperation(
      {
        query: ctx.query,
        variables: args.variableValues ?? undefined,
        operationName: args.operationName ?? undefined,
      },
      identity,
      { address: ctx.address },
    );
    return {
      data: result.data,
      ...(result.errors ? { errors: toGraphQLErrors(result.errors) } : {}),
    };
  }

  const documents = new Map<string, CheckedDocument>();
  // The promise is kept, so a burst of sockets of one user waits for one answer.
  const rolesCache = new Map<string, { roles: Promise<Role[] | null>; until: number }>();
  const rolesCacheMs = options.credentialCheckMs ?? 2000;
  const watch = createCredentialWatch({
    check: options.checkCredentials,
    intervalMs: options.credentialCheckMs,
    log,
    // What the sweep just learned is what a socket reconnecting right after must see.
    onStatus: (status) => {
      const until = Date.now() + rolesCacheMs;
      for (const [userId, user] of Object.entries(status.users))
        rolesCache.set(userId, { roles: Promise.resolve(user.roles), until });
      for (const key of Object.values(status.apiKeys))
        rolesCache.set(key.userId, { roles: Promise.resolve(key.roles), until });
    },
  });
  // Sockets connect in bursts (a deploy, a network blip): one users request per tick for all.
  const check = options.checkCredentials;
  const currentRoles = check
    ? new DataLoader<string, Role[] | null>(
        async (userIds) => {
          const status = await check({ apiKeyIds: [], userIds: [...userIds] });
          return userIds.map((id) => status.users[id]?.roles ?? null);
        },
        { cache: false, maxBatchSize: 1000 },
      )
    : null;
  // Answers stay good for one re-check interval: the sweep is what bounds how stale they get.
  function rolesNow(userId: string): Promise<Role[] | null> {
    const cached = rolesCache.get(userId);
    if (cached && cached.until > Date.now()) return cached.roles;
    const roles = currentRoles!.load(userId);
    if (rolesCache.size >= 10_000) rolesCache.clear();
    rolesCache.set(userId, { roles, until: Date.now() + rolesCacheMs });
    roles.catch(() => rolesCache.delete(userId));
    return roles;
  }
  const perSocketLimit = options.maxSubscriptionsPerSocket ?? 100;
  const perUserLimit = options.maxSubscriptionsPerUser ?? 500;
  /** Open subscriptions per socket and per user (or anonymous address) on this gateway. */
  const perSocket = new WeakMap<WebSocket, number>();
  const perUser = new Map<string, number>();
  const userKey = (identity: Identity, address: string | undefined) =>
    identity.userId ? `user:${identity.userId}` : `addr:${address ?? 'unknown'}`;

  /** Takes a place in both limits, or says which one is full. */
  function reserve(socket: WebSocket, key: string): (() => void) | GraphQLError {
    const onSocket = perSocket.get(socket) ?? 0;
    const ofUser = perUser.get(key) ?? 0;
    if (onSocket >= perSocketLimit)
      return limitError(
        `This connection already has ${onSocket} subscriptions open; at most ${perSocketLimit} are allowed. Complete some first.`,
        perSocketLimit,
      );
    if (ofUser >= perUserLimit)
      return limitError(
        `You already have ${ofUser} subscriptions open; at most ${perUserLimit} are allowed. Complete some first.`,
        perUserLimit,
      );
    perSocket.set(socket, onSocket + 1);
    perUser.set(key, ofUser + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      perSocket.set(socket, (perSocket.get(socket) ?? 1) - 1);
      const left = (perUser.get(key) ?? 1) - 1;
      if (left > 0) perUser.set(key, left);
      else perUser.delete(key);
    };
  }

  const server = useServer<
    Record<string, unknown>,
    { identity?: Identity; authorization?: string; address?: string }
  >(
    {
      isProd: options.isProd,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const authorization = params.authorization ?? params.Authorization;
        if (authorization !== undefined && typeof authorization !== 'string') return false;
        let identity: Identity;
        try {
          identity = await options.authenticate(authorization || undefined);
        } catch {
          return false; // graphql-ws closes with 4403 Forbidden
        }
        if (identity.via === 'session' && identity.userId && currentRoles) {
          // A session token carries the roles of its sign-in: keep only those the user still
          // has, so reconnecting with an old token does not bring a removed role back.
          let roles: Role[] | null;
          try {
            roles = await rolesNow(identity.userId);
          } catch (err) {
            log.warn({ err }, 'session roles not re-checked at connect; the next sweep will');
            roles = identity.roles;
          }
          if (!roles) return false;
          identity = { ...identity, roles: identity.roles.filter((r) => roles.includes(r)) };
        }
        ctx.extra.identity = identity;
        ctx.extra.authorization = authorization || undefined;
        ctx.extra.address = options.clientAddress?.(ctx.extra.request);
        watch.watch(ctx.extra.socket, identity, sessionExpiry(authorization || undefined));
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const { socket, identity, address } = ctx.extra;
        if (!watch.allowed(socket))
          return refuse('Sign in again: this connection is closed.', UNAUTHENTICATED);
        if (!state) return refuse('The gateway is still starting; retry shortly.', 'BAD_REQUEST');
        // Thousands of clients send the same few documents: parse and validate each once per
        // schema and share the AST (a parsed document per subscriber is most of its memory).
        let checked = documents.get(payload.query);
        if (!checked || checked.state !== state) {
          checked = checkDocument(state, payload.query);
          if (documents.size >= DOCUMENT_CACHE_SIZE)
            documents.delete(documents.keys().next().value!);
          documents.set(payload.query, checked);
        }
        if ('errors' in checked) return checked.errors;
        const { document } = checked;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return refuse('Name the operation to run.', 'BAD_REQUEST');
        const coerced = getVariableValues(
          state.apiSchema,
          operation.variableDefinitions ?? [],
          payload.variables ?? {},
        );
        if (coerced.errors)
          return coerced.errors.map(
            (e) => new GraphQLError(e.message, { extensions: { code: ErrorCode.BAD_USER_INPUT } }),
          );
        // The same static limits as HTTP; queries and mutations then run through the HTTP
        // pipeline (rate limits included), subscriptions are charged here.
        let release = () => {};
        if (operation.operation === 'subscription') {
          let cost = 0;
          try {
            if (options.limits)
              cost = checkOperation(
                { schema: state.apiSchema, document, operation, variables: coerced.coerced },
                options.limits,
              );
            await options.rateLimits?.operation(rateLimitKey(identity, address), cost);
          } catch (err) {
            return [plainError(err)];
          }
          const reserved = reserve(socket, userKey(identity!, address));
          if (reserved instanceof GraphQLError) return [reserved];
          release = reserved;
        } else if (options.limits) {
          try {
            checkOperation(
              { schema: state.apiSchema, document, operation, variables: coerced.coerced },
              options.limits,
            );
          } catch (err) {
            return [plainError(err)];
          }
        }
        const contextValue: SubscriptionContext = {
          identity: identity!,
          authorization: ctx.extra.authorization,
          address,
          release,
          socket,
          id,
          query: payload.query,
          variables: coerced.coerced,
          state,
        };
        return {
          schema: state.apiSchema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      subscribe,
      execute,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => publicError(e.toJSON(), log)),
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  return {
    /** Rebuilds the API schema and planner from a newly loaded supergraph. */
    update(supergraphSdl: string) {
      try {
        state = createPlanningState(supergraphSdl);
      } catch (err) {
        log.error({ err }, 'subscription planner could not load the supergraph; keeping the last');
      }
    },
    /** Live subscription counts (tests, debugging). */
    metrics: (): SubscriptionMetrics => metrics.snapshot(),
    /** Client WebSockets open now. */
    openSockets: () => wss.clients.size,
    /** Ends every client and upstream subscription and closes the WebSocket server. */
    async dispose() {
      watch.dispose();
      shared.closeAll();
      await server.dispose();
      await upstream.dispose();
    },
  };
}
export type SubscriptionServer = ReturnType<typeof createSubscriptionServer>;

const refuse = (message: string, code: string) => [
  new GraphQLError(message, { extensions: { code } }),
];

const UNAUTHENTICATED = ErrorCode.UNAUTHENTICATED;

/** A subscription limit error: RATE_LIMITED naming the limit. */
const limitError = (message: string, limit: number) =>
  new GraphQLError(message, { extensions: { code: ErrorCode.RATE_LIMITED, limit } });

/** A coded error as graphql-ws sends it (no HTTP-only extensions such as `http`). */
function plainError(err: unknown): GraphQLError {
  if (!(err instanceof GraphQLError)) throw err;
  const { http: _http, ...extensions } = err.extensions as Record<string, unknown>;
  return new GraphQLError(err.message, { extensions });
}

/** How many distinct subscription documents stay parsed (the oldest is dropped first). */
const DOCUMENT_CACHE_SIZE = 500;

type CheckedDocument =
  | { state: PlanningState; document: DocumentNode }
  | { state: PlanningState; errors: readonly GraphQLError[] };

/** Parses and validates a document against the current API schema (with the depth limit). */
function checkDocument(state: PlanningState, query: string): CheckedDocument {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: MAX_TOKENS });
  } catch (err) {
    return { state, errors: refuse((err as Error).message, 'GRAPHQL_PARSE_FAILED') };
  }
  const invalid = validate(state.apiSchema, document, [...specifiedRules, depthLimit()]);
  if (invalid.length) {
    return {
      state,
      errors: invalid.map(
        (e) =>
          new GraphQLError(e.message, {
            nodes: e.nodes,
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...e.extensions },
          }),
      ),
    };
  }
  return { state, document };
}
