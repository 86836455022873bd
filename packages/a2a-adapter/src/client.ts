import type {
  Message as A2AMessage,
  SendMessageRequest,
  StreamResponse,
  Task as A2ATask,
} from '@a2a-js/sdk';
import { ClientFactory, JsonRpcTransportFactory, type Client } from '@a2a-js/sdk/client';
import { AppError, sleep } from '@agentry/core';
import { fetchAgentCard, toSdkAgentCard, type AgentCardInfo } from './card';
import { toAppError, unreachable } from './errors';
import { createGuardedFetch } from './http';
import {
  fromA2AMessage,
  fromA2ATask,
  fromStreamResponse,
  inputToParts,
  toA2AMessage,
} from './mapping';
import { isInterrupted, isTerminal } from './task-state';
import type { AgentEvent, RemoteTask, SendInput } from './types';

export interface A2AClientOptions {
  /**
   * Limit for one call: reading the card, a GetTask or CancelTask, a SendMessage, and the
   * first event of a stream. Default 10000 ms.
   */
  timeoutMs?: number;
  /** A stream that delivers no event for this long fails with AGENT_UNREACHABLE. Default 30000 ms. */
  idleTimeoutMs?: number;
  /**
   * Allow agents on loopback and private networks. Default false (production); development and
   * tests pass true. See {@link assertFetchableUrl}.
   */
  allowPrivate?: boolean;
  /** How often a non-streaming agent's task is polled with GetTask. Default 1000 ms. */
  pollIntervalMs?: number;
}

export interface SendOptions {
  /** Continue this conversation. Default: the agent starts a new one. */
  contextId?: string;
  /** Reply to this task (one that is INPUT_REQUIRED). Default: a new task. */
  taskId?: string;
  /**
   * The A2A message id. Pass the same one when sending the same message again (a retry), so
   * the agent can tell it is a repeat. Default: a new random id.
   */
  messageId?: string;
  /** Aborts the call; iteration then throws the signal's reason. Default: none (timeouts only). */
  signal?: AbortSignal;
  /**
   * With `taskId`: the message id of the question this reply answers. An INPUT_REQUIRED or
   * AUTH_REQUIRED status or snapshot that still carries it is the task as it stood before the
   * reply, not the agent's answer: it is passed on without its state and the stream goes on.
   * Default: the first snapshot's question, if it is interrupted.
   */
  answeredQuestionId?: string;
}

export interface CallOptions {
  /** Aborts the call; it then throws the signal's reason. Default: none (timeouts only). */
  signal?: AbortSignal;
}

export interface ResubscribeOptions extends CallOptions {
  /**
   * The message id of a question the requester already answered (see
   * {@link SendOptions.answeredQuestionId}): an interrupted state still carrying it does not end
   * the stream. Default: none.
   */
  answeredQuestionId?: string;
}

/**
 * One agent, spoken to in A2A over JSON-RPC. Every failure is an AppError: AGENT_UNREACHABLE
 * for connection failures, timeouts and broken answers; NOT_FOUND, CONFLICT or BAD_USER_INPUT
 * when the agent refused for a reason the caller can act on.
 */
export interface A2AClient {
  /** The agent's card, as read or as given. */
  readonly card: AgentCardInfo;
  /**
   * Sends a message and yields what the agent reports until the task is terminal or waits for
   * the requester (INPUT_REQUIRED, AUTH_REQUIRED), or the agent answers with a bare message.
   * Streams when the card says so, otherwise sends and polls GetTask.
   */
  send(input: SendInput, options?: SendOptions): AsyncIterable<AgentEvent>;
  /**
   * Follows a running task again: its current snapshot first, then what follows. A2A does not
   * replay what happened while no one listened. Polls a non-streaming agent.
   */
  resubscribe(remoteTaskId: string, options?: ResubscribeOptions): AsyncIterable<AgentEvent>;
  getTask(remoteTaskId: string, options?: CallOptions): Promise<RemoteTask>;
  /** Asks the agent to cancel; resolves with the task as the agent has it afterwards. */
  cancel(remoteTaskId: string, options?: CallOptions): Promise<RemoteTask>;
}

/**
 * A client for the agent at `target`: a base or card URL (the card is read, see
 * {@link resolveAgentCard}) or a card the registry stored.
 */
export async function createA2AClient(
  target: string | AgentCardInfo,
  options: A2AClientOptions = {},
): Promise<A2AClient> {
  const config = {
    timeoutMs: options.timeoutMs ?? 10_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    allowPrivate: options.allowPrivate ?? false,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
  };
  const { info, card } =
    typeof target === 'string'
      ? await fetchAgentCard(target, config)
      : { info: target, card: toSdkAgentCard(target) };
  const factory = new ClientFactory({
    // Only JSON-RPC, through the guarded fetch: every call is SSRF-checked, never redirected.
    transports: [
      new JsonRpcTransportFactory({
        fetchImpl: createGuardedFetch({
          allowPrivate: config.allowPrivate,
          timeoutMs: config.timeoutMs,
        }),
        // A card whose interface says protocolVersion 0.3 gets the SDK's v0.3 JSON-RPC client.
        legacyCompat: { enabled: true },
      }),
    ],
  });
  let sdk: Client;
  try {
    sdk = await factory.createFromAgentCard(card);
  } catch (err) {
    throw toAppError(err, `connecting to ${info.url}`);
  }
  return new AgentClient(info, sdk, config);
}

type Config = Required<A2AClientOptions>;

class AgentClient implements A2AClient {
  constructor(
    readonly card: AgentCardInfo,
    private readonly sdk: Client,
    private readonly config: Config,
  ) {}

  async *send(input: SendInput, options: SendOptions = {}): AsyncGenerator<AgentEvent> {
    // The SDK's types mark every field required; undefined is "not set" in its codecs.
    const request: SendMessageRequest = {
      tenant: '',
      message: toA2AMessage(inputToParts(input), {
        contextId: options.contextId,
        taskId: options.taskId,
        messageId: options.messageId,
      }),
      configuration: undefined,
      metadata: undefined,
    };
    const continuing = options.taskId !== undefined;
    if (this.card.capabilities.streaming) {
      yield* this.stream(
        `SendStreamingMessage to ${this.card.url}`,
        (signal) => this.sdk.sendMessageStream(request, { signal }),
        {
          signal: options.signal,
          stale: continuing ? new StaleQuestion(options.answeredQuestionId, true) : undefined,
        },
      );
      return;
    }
    const first = await this.call(`SendMessage to ${this.card.url}`, options.signal, (signal) =>
      this.sdk.sendMessage(
        {
          ...request,
          configuration: {
            acceptedOutputModes: [],
            taskPushNotificationConfig: undefined,
            // Answer at once with the task; we poll instead of holding a request open.
            returnImmediately: true,
          },
        },
        { signal },
      ),
    );
    yield* this.poll(
      first,
      options.signal,
      continuing ? new StaleQuestion(options.answeredQuestionId, true) : undefined,
    );
  }

  async *resubscribe(
    remoteTaskId: string,
    options: ResubscribeOptions = {},
  ): AsyncGenerator<AgentEvent> {
    const stale = () =>
      options.answeredQuestionId ? new StaleQuestion(options.answeredQuestionId, false) : undefined;
    if (!this.card.capabilities.streaming) {
      yield* this.poll(await this.rawTask(remoteTaskId, options.signal), options.signal, stale());
      return;
    }
    let yielded = false;
    try {
      for await (const event of this.stream(
        `SubscribeToTask ${remoteTaskId} on ${this.card.url}`,
        (signal) => this.sdk.resubscribeTask({ tenant: '', id: remoteTaskId }, { signal }),
        { signal: options.signal, stale: stale() },
      )) {
        yielded = true;
        yield event;
      }
    } catch (err) {
      // Agents refuse to subscribe to a finished task; its snapshot is then the whole story.
      const refused =
        err instanceof AppError && err.extensions.a2aError === 'UnsupportedOperationError';
      if (yielded || !refused) throw err;
      yield* this.poll(await this.rawTask(remoteTaskId, options.signal), options.signal, stale());
    }
  }

  async getTask(remoteTaskId: string, options: CallOptions = {}): Promise<RemoteTask> {
    return fromA2ATask(await this.rawTask(remoteTaskId, options.signal));
  }

  async cancel(remoteTaskId: string, options: CallOptions = {}): Promise<RemoteTask> {
    const task = await this.call(
      `CancelTask ${remoteTaskId} on ${this.card.url}`,
      options.signal,
      (signal) =>
        this.sdk.cancelTask({ tenant: '', id: remoteTaskId, metadata: undefined }, { signal }),
    );
    return fromA2ATask(task);
  }

  private rawTask(remoteTaskId: string, signal?: AbortSignal, historyLength?: number) {
    return this.call(`GetTask ${remoteTaskId} on ${this.card.url}`, signal, (s) =>
      this.sdk.getTask({ tenant: '', id: remoteTaskId, historyLength }, { signal: s }),
    );
  }

  /** One request/response call under `timeoutMs` and the caller's signal. */
  private async call<T>(
    what: string,
    signal: AbortSignal | undefined,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    try {
      return await run(signal ? AbortSignal.any([signal, timeout]) : timeout);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw toAppError(err, what, this.config.timeoutMs);
    }
  }

  /**
   * Maps a stream of A2A events, ending it (and closing the HTTP response) after a terminal
   * status, an interrupted one, or a bare message. The first event must come within `timeoutMs`,
   * each next one within `idleTimeoutMs`; the clock stops while our consumer holds an event.
   */
  private async *stream(
    what: string,
    open: (signal: AbortSignal) => AsyncGenerator<StreamResponse, void, undefined>,
    opts: { signal?: AbortSignal; stale?: StaleQuestion },
  ): AsyncGenerator<AgentEvent> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    let silentFor: number | undefined;
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        silentFor = ms;
        controller.abort();
      }, ms);
    };
    try {
      if (opts.signal?.aborted) throw opts.signal.reason;
      arm(this.config.timeoutMs);
      for await (const response of open(controller.signal)) {
        clearTimeout(timer);
        const raw = fromStreamResponse(response);
        const event = raw && opts.stale ? opts.stale.filter(raw) : raw;
        if (event) {
          yield event;
          if (endsStream(event)) return;
        }
        arm(this.config.idleTimeoutMs);
      }
    } catch (err) {
      if (silentFor !== undefined) {
        throw unreachable(`The agent sent nothing for ${silentFor} ms during ${what}.`);
      }
      if (opts.signal?.aborted) throw opts.signal.reason;
      throw toAppError(err, what, this.config.timeoutMs);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  /**
   * Follows a task by polling GetTask, yielding what changed between snapshots: new or grown
   * artifacts before the status that follows them, so a terminal status is always last.
   */
  private async *poll(
    first: A2ATask | A2AMessage,
    signal: AbortSignal | undefined,
    stale: StaleQuestion | undefined,
  ): AsyncGenerator<AgentEvent> {
    if ('messageId' in first) {
      yield {
        kind: 'message',
        remoteTaskId: first.taskId,
        contextId: first.contextId,
        message: fromA2AMessage(first),
      };
      return;
    }
    const diff = new SnapshotDiff();
    let task = fromA2ATask(first);
    for (;;) {
      // A reply's first snapshots may still show the question it answers: not the end yet.
      const current = stale ? stale.filterSnapshot(task) : task;
      yield* diff.next(current);
      if (isTerminal(current.state)) return;
      if (isInterrupted(current.state)) return;
      await sleep(this.config.pollIntervalMs, signal);
      signal?.throwIfAborted();
      task = fromA2ATask(await this.rawTask(task.remoteTaskId, signal, 0));
    }
  }
}

const messageIdOf = (task: RemoteTask) => task.statusMessage?.messageId ?? '';

function endsStream(event: AgentEvent): boolean {
  switch (event.kind) {
    case 'message':
      return true;
    case 'status':
    case 'task':
      return isTerminal(event.state) || isInterrupted(event.state);
    case 'artifact':
      return false;
  }
}

/**
 * Tells the task as it stood before a reply from what the agent reached after it. Until the
 * agent reports anything else, an interrupted state is stale when it carries the answered
 * question (by message id) or when it comes in the turn's first snapshot (a `task` event, which
 * the SDK requires before anything else of a turn) rather than as a status update. Stale events
 * are passed on without their state and status message: they still name the task.
 */
class StaleQuestion {
  private done = false;

  /** `snapshotsAreStale`: an interrupted snapshot is stale even without a known question id. */
  constructor(
    private questionId: string | undefined,
    private snapshotsAreStale: boolean,
  ) {}

  filter(event: AgentEvent): AgentEvent {
    if (this.done || (event.kind !== 'task' && event.kind !== 'status')) return event;
    if (!isInterrupted(event.state)) {
      // Anything but an interruption is news (WORKING, a terminal state); an event without a
      // state says nothing either way.
      if (event.state !== undefined) this.done = true;
      return event;
    }
    const id = event.message?.messageId || undefined;
    const stale =
      (this.questionId !== undefined && id === this.questionId) ||
      (event.kind === 'task' && this.snapshotsAreStale);
    if (!stale) {
      this.done = true;
      return event;
    }
    // Later events must carry the same question to be stale.
    this.questionId ??= id ?? '';
    this.snapshotsAreStale = false;
    return { kind: event.kind, remoteTaskId: event.remoteTaskId, contextId: event.contextId };
  }

  /** The same for a polled snapshot (each GetTask answer is a snapshot). */
  filterSnapshot(task: RemoteTask): RemoteTask {
    const event = this.filter({
      kind: 'task',
      remoteTaskId: task.remoteTaskId,
      contextId: task.contextId,
      ...(task.state ? { state: task.state } : {}),
      ...(task.statusMessage ? { message: task.statusMessage } : {}),
    });
    if (event.state !== undefined) return task;
    const { statusMessage: _question, ...rest } = task;
    return { ...rest, state: undefined };
  }
}

/** Turns successive task snapshots into the events that lead from one to the next. */
class SnapshotDiff {
  private seen = false;
  private state: RemoteTask['state'];
  private statusMessageId = '';
  private readonly artifacts = new Map<string, string>();

  *next(task: RemoteTask): Generator<AgentEvent> {
    const ids = { remoteTaskId: task.remoteTaskId, contextId: task.contextId };
    const status = {
      ...(task.state ? { state: task.state } : {}),
      ...(task.statusMessage ? { message: task.statusMessage } : {}),
    };
    const statusChanged = task.state !== this.state || messageIdOf(task) !== this.statusMessageId;
    const changed = task.artifacts.filter(
      (a) => this.artifacts.get(a.artifactId) !== JSON.stringify(a),
    );
    if (!this.seen) {
      this.seen = true;
      // The state rides on the task event, unless artifacts must come before it.
      if (changed.length === 0) {
        yield { kind: 'task', ...ids, ...status };
        this.remember(task);
        return;
      }
      yield { kind: 'task', ...ids };
    }
    for (const artifact of changed) {
      yield { kind: 'artifact', ...ids, artifact: { ...artifact, append: false, lastChunk: true } };
    }
    if (statusChanged) yield { kind: 'status', ...ids, ...status };
    this.remember(task);
  }

  private remember(task: RemoteTask): void {
    this.state = task.state;
    this.statusMessageId = messageIdOf(task);
    for (const a of task.artifacts) this.artifacts.set(a.artifactId, JSON.stringify(a));
  }
}
