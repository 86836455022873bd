import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { AgentryError, type AgentryGraphQLError } from './errors';
import { createLiveConnection, followResumable, type FollowOptions } from './live';
import {
  AgentDocument,
  AgentsDocument,
  CancelTaskDocument,
  CreateApiKeyDocument,
  MeDocument,
  MyTaskEventsDocument,
  MyTasksDocument,
  ReplyToTaskDocument,
  RevokeApiKeyDocument,
  SendTaskDocument,
  SignInDocument,
  TaskDocument,
  TaskEventsDocument,
} from './operations';
import type {
  AgentryAgentsQueryVariables,
  AgentryMyTaskEventsSubscription,
  AgentryMyTasksQueryVariables,
  AgentryTaskEventsSubscription,
  TaskInput,
} from './gql/graphql';

/** Options of `createAgentryClient`. */
export interface AgentryClientOptions {
  /** The gateway's GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  /**
   * A session token (from `signIn`) or an API key (`agy_…`), sent as `Authorization: Bearer`.
   * Default: none (anonymous); `signIn` sets one.
   */
  credential?: string;
  /**
   * The WebSocket URL for subscriptions. Default: `url` with `http` replaced by `ws` (the
   * gateway serves both on one path).
   */
  wsUrl?: string;
  /**
   * A WebSocket constructor for subscriptions. Default: `globalThis.WebSocket`; Node 20 has
   * none, so pass `WebSocket` from the `ws` package there.
   */
  webSocketImpl?: unknown;
  /** The fetch to use. Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** How long one HTTP request may take before it fails with `NETWORK_ERROR`, ms. Default 30000. */
  timeoutMs?: number;
  /** Largest response body accepted, bytes (a bigger one fails with `BAD_RESPONSE`). Default 8 MiB. */
  maxResponseBytes?: number;
}

type TaskEvent = AgentryTaskEventsSubscription['taskEvents'];
type MyTaskEvent = AgentryMyTaskEventsSubscription['myTaskEvents'];

/** Reads a response body, failing once it grows past `limit` bytes. */
async function readLimited(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new AgentryError(`The response is larger than ${limit} bytes.`, 'BAD_RESPONSE');
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

/**
 * A typed client for Agentry's GraphQL gateway: `request` runs any typed document (from
 * `@agentry/client`'s operations or your own codegen over `schema.graphql`), the common
 * operations are methods, and `followTask` follows a task live, resuming by cursor on its own.
 */
export function createAgentryClient(options: AgentryClientOptions) {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
  let credential = options.credential;
  const printed = new WeakMap<DocumentNode, string>();
  const source = (doc: DocumentNode) => {
    let s = printed.get(doc);
    if (!s) printed.set(doc, (s = print(doc)));
    return s;
  };

  /** Runs a typed operation over HTTP; throws `AgentryError` with the first error's code. */
  async function request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...[variables]: [TVariables] extends [Record<string, never>] ? [] | [TVariables] : [TVariables]
  ): Promise<TResult> {
    let res: Response;
    try {
      res = await doFetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(credential ? { authorization: `Bearer ${credential}` } : {}),
        },
        body: JSON.stringify({ query: source(document), variables: variables ?? {} }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new AgentryError(
        `Could not reach ${options.url}: ${err instanceof Error ? err.message : String(err)}`,
        'NETWORK_ERROR',
      );
    }
    let body: { data?: TResult | null; errors?: AgentryGraphQLError[] };
    try {
      body = JSON.parse(await readLimited(res, maxBytes));
    } catch (err) {
      if (err instanceof AgentryError) throw err;
      throw new AgentryError(`The gateway answered ${res.status} without GraphQL.`, 'BAD_RESPONSE');
    }
    if (body.errors?.length) throw AgentryError.fromGraphQL(body.errors);
    if (!body.data) throw new AgentryError('The gateway answered without data.', 'BAD_RESPONSE');
    return body.data;
  }

  const live = createLiveConnection({
    url: options.wsUrl ?? options.url.replace(/^http/, 'ws'),
    credential: () => credential,
    webSocketImpl: options.webSocketImpl,
  });

  return {
    request,
    /** The credential in use (a session token or API key), if any. */
    get credential() {
      return credential;
    },
    /** Uses another credential from now on (new sockets carry it too). */
    setCredential(next: string | undefined) {
      credential = next;
    },
    /** Signs in with email and password and uses the session token from then on. */
    async signIn(email: string, password: string) {
      const { signIn } = await request(SignInDocument, { email, password });
      credential = signIn.token;
      return signIn;
    },
    /** The signed-in user with their wallet (null when anonymous). */
    me: async () => (await request(MeDocument)).me,
    /** Published agents: search, category and tag filters, cursor pages. */
    agents: async (variables: AgentryAgentsQueryVariables = {}) =>
      (await request(AgentsDocument, variables)).agents,
    /** One agent by id or slug (null when not found). */
    agent: async (by: { id: string } | { slug: string }) =>
      (await request(AgentDocument, 'id' in by ? { id: by.id } : { slug: by.slug })).agent,
    /** Hires an agent: holds its price and sends it your message. */
    hire: async (agentId: string, input: TaskInput) =>
      (await request(SendTaskDocument, { agentId, input })).sendTask,
    /** A task with its messages, artifacts and cost. */
    task: async (id: string) => (await request(TaskDocument, { id })).task,
    /** Answers a task that waits for input. */
    reply: async (taskId: string, input: TaskInput) =>
      (await request(ReplyToTaskDocument, { taskId, input })).replyToTask,
    /** Cancels a task; its hold is released. */
    cancel: async (taskId: string) => (await request(CancelTaskDocument, { taskId })).cancelTask,
    /** Your tasks, newest first. */
    myTasks: async (variables: AgentryMyTasksQueryVariables = {}) =>
      (await request(MyTasksDocument, variables)).myTasks,
    /** Creates an API key (from a signed-in session); the secret is shown only now. */
    createApiKey: async (name: string, scopes: string[]) =>
      (await request(CreateApiKeyDocument, { name, scopes })).createApiKey,
    /** Revokes one of your API keys; true if it was active. */
    revokeApiKey: async (id: string) => (await request(RevokeApiKeyDocument, { id })).revokeApiKey,
    /**
     * A task's events as an async iterator, from its first event (or after `options.after`) to
     * its terminal state. Survives any number of disconnects: it resubscribes from the last
     * cursor, so no event is missed and none is yielded twice.
     */
    followTask: (taskId: string, followOptions?: FollowOptions): AsyncGenerator<TaskEvent> =>
      followResumable(
        live,
        source(TaskEventsDocument),
        { taskId },
        (d: AgentryTaskEventsSubscription) => d.taskEvents,
        () => taskId,
        followOptions,
      ),
    /** Events of every task you requested (live from now, or after `options.after`), resuming likewise. */
    followMyTasks: (followOptions?: FollowOptions): AsyncGenerator<MyTaskEvent> =>
      followResumable(
        live,
        source(MyTaskEventsDocument),
        {},
        (d: AgentryMyTaskEventsSubscription) => d.myTaskEvents,
        (e) => e.task.id,
        followOptions,
      ),
    /** Closes the subscription socket (HTTP needs no closing). */
    close: () => live.dispose(),
  };
}

export type AgentryClient = ReturnType<typeof createAgentryClient>;
