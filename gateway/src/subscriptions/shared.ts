import type { FormattedExecutionResult } from 'graphql';
import WebSocket from 'ws';
import type { Logger } from '@agentry/core';
import { gatewayError } from './errors';
import { resolveEvent, type EventContext } from './event';
import type { Metrics } from './metrics';
import type { UpstreamSubscription } from './upstream';

export interface SharedOptions {
  log: Logger;
  metrics: Metrics;
  /**
   * A client socket holding more unsent bytes than this is closed with 1013 instead of being
   * buffered for without end (default 4 MiB).
   */
  maxBufferedBytes?: number;
  /** How long a slow socket gets to take its close frame before it is cut (default 5000 ms). */
  slowCloseGraceMs?: number;
  /**
   * Events a group keeps so that a subscriber joining later gets them too (default 1000); a
   * group whose history grows past this takes no new subscribers (they start a group of their
   * own), so sharing never changes what anyone receives.
   */
  maxHistory?: number;
}

/**
 * How a newcomer may join a running group of the same key:
 * - `history`: it is sent every event the group delivered so far, then the live ones. Right
 *   for a subscription from a cursor: alone it would replay from that cursor up to now.
 * - `beforeFirstEvent`: only while the group has delivered nothing. Right when what a lone
 *   subscription gets depends on when it starts (no cursor: "from now" or "from the start").
 */
export type JoinMode = 'history' | 'beforeFirstEvent';

/** Starts the upstream of a new group: its subscription and how to resolve its events. */
export type StartGroup = () => Promise<{ upstream: UpstreamSubscription; context: EventContext }>;

interface Subscriber {
  id: string;
  socket: WebSocket;
  /** Writes one serialized result, or drops the socket if it does not keep up. */
  send(payloadJson: string): void;
  /** The group ended: graphql-ws then sends `complete`. */
  end(): void;
}

interface Group {
  key: string;
  subscribers: Set<Subscriber>;
  upstream?: UpstreamSubscription;
  closed: boolean;
  mode: JoinMode;
  /** Serialized results delivered so far (null once past `maxHistory`). */
  history: string[] | null;
}

/**
 * Identical subscriptions (same key) share one group: one upstream subscription, one execution
 * per event, one serialization, written to every subscriber's socket. The upstream closes as soon
 * as the last subscriber leaves. A subscriber joining late receives exactly what it would have
 * received alone (see JoinMode): the group's history first, or a group of its own.
 */
export function createSharedSubscriptions(options: SharedOptions) {
  const { log, metrics } = options;
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const graceMs = options.slowCloseGraceMs ?? 5000;
  const maxHistory = options.maxHistory ?? 1000;
  /** The group each key's newcomers join. */
  const groups = new Map<string, Group>();
  /** Every running group, retired ones included (shutdown ends them all). */
  const running = new Set<Group>();

  function dropSlowSocket(socket: WebSocket) {
    metrics.counts.slowConsumersClosed++;
    log.warn({ buffered: socket.bufferedAmount }, 'closing a client socket that does not read');
    socket.close(1013, 'Too slow: the client did not read its subscription events in time.');
    // The close frame waits behind the unread bytes; do not wait for it forever either.
    setTimeout(() => socket.terminate(), graceMs).unref();
  }

  async function run(group: Group, start: StartGroup) {
    let context: EventContext;
    let upstream: UpstreamSubscription;
    try {
      ({ context, upstream } = await start());
      group.upstream = upstream;
      if (group.closed) return void upstream.return();
    } catch (err) {
      log.error({ err }, 'subscription could not start');
      broadcast(group, { errors: [gatewayError('The subscription could not be started.')] });
      return endGroup(group);
    }
    for (;;) {
      const next = await upstream.next();
      if (next.done || group.closed) break;
      let result: FormattedExecutionResult;
      try {
        result = await resolveEvent(next.value, context);
      } catch (err) {
        log.error({ err }, 'subscription event could not be resolved');
        result = { errors: [gatewayError('This event could not be processed.')] };
      }
      if (group.closed) break;
      broadcast(group, result);
    }
    endGroup(group);
  }

  function broadcast(group: Group, result: FormattedExecutionResult) {
    const json = JSON.stringify(result);
    if (group.history) {
      group.history.push(json);
      if (group.history.length > maxHistory) {
        group.history = null;
        retire(group);
      }
    } else if (group.mode === 'beforeFirstEvent') retire(group);
    for (const subscriber of group.subscribers) subscriber.send(json);
  }

  /** The group runs on for its subscribers but takes no newcomers (they start afresh). */
  function retire(group: Group) {
    if (groups.get(group.key) === group) groups.delete(group.key);
  }

  function endGroup(group: Group) {
    retire(group);
    running.delete(group);
    if (!group.closed) metrics.counts.shared--;
    group.closed = true;
    for (const subscriber of [...group.subscribers]) subscriber.end();
  }

  /** The last subscriber left: close the upstream now. */
  function closeGroup(group: Group) {
    if (group.closed) return;
    group.closed = true;
    metrics.counts.shared--;
    retire(group);
    running.delete(group);
    void group.upstream?.return();
  }

  /**
   * Adds a client subscription to the group of `key` (starting it with `start` if there is
   * none). Returns the iterator graphql-ws keeps for it: it yields nothing itself (results are
   * written to the socket directly), ends when the group ends, and `return()` leaves the group.
   */
  function join(
    key: string,
    start: StartGroup,
    socket: WebSocket,
    id: string,
    mode: JoinMode,
    /** Called once when this subscriber leaves (limits give its place back). */
    onLeave?: () => void,
  ) {
    let group = groups.get(key);
    const isNew = !group;
    if (!group) {
      group = {
        key,
        subscribers: new Set(),
        closed: false,
        mode,
        history: mode === 'history' ? [] : null,
      };
      groups.set(key, group);
      running.add(group);
      metrics.counts.shared++;
    }
    const own = group;
    const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
    let left = false;
    let wake: ((r: IteratorResult<never, undefined>) => void) | null = null;

    const leave = () => {
      if (left) return;
      left = true;
      metrics.counts.clients--;
      own.subscribers.delete(subscriber);
      if (own.subscribers.size === 0) closeGroup(own);
      onLeave?.();
      wake?.({ value: undefined, done: true });
      wake = null;
    };
    const subscriber: Subscriber = {
      id,
      socket,
      send(payloadJson) {
        if (left || socket.readyState !== WebSocket.OPEN) return;
        if (socket.bufferedAmount > maxBuffered) return dropSlowSocket(socket);
        socket.send(prefix + payloadJson + '}');
      },
      end: leave,
    };
    // What the group delivered before this subscriber came, synchronously before any live
    // event can be broadcast: the same events, in the same order, as a subscription alone.
    for (const json of own.history ?? []) subscriber.send(json);
    own.subscribers.add(subscriber);
    metrics.counts.clients++;
    if (isNew) void run(own, start);

    const iterator: AsyncIterableIterator<never> & { return(): Promise<IteratorResult<never>> } = {
      next: () =>
        left
          ? Promise.resolve({ value: undefined, done: true })
          : new Promise((resolve) => (wake = resolve)),
      return() {
        leave();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return iterator;
  }

  return {
    join,
    /** Ends every group (gateway shutdown). */
    closeAll() {
      for (const group of [...running]) {
        closeGroup(group);
        for (const subscriber of [...group.subscribers]) subscriber.end();
      }
    },
  };
}
export type SharedSubscriptions = ReturnType<typeof createSharedSubscriptions>;
