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
}

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
}

/**
 * Identical subscriptions (same key) share one group: one upstream subscription, one execution
 * per event, one serialization, written to every subscriber's socket. The upstream closes as soon
 * as the last subscriber leaves. A subscriber joining late sees events from when it joined.
 */
export function createSharedSubscriptions(options: SharedOptions) {
  const { log, metrics } = options;
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const graceMs = options.slowCloseGraceMs ?? 5000;
  const groups = new Map<string, Group>();

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
    for (const subscriber of group.subscribers) subscriber.send(json);
  }

  function endGroup(group: Group) {
    if (groups.get(group.key) === group) groups.delete(group.key);
    if (!group.closed) metrics.counts.shared--;
    group.closed = true;
    for (const subscriber of [...group.subscribers]) subscriber.end();
  }

  /** The last subscriber left: close the upstream now. */
  function closeGroup(group: Group) {
    if (group.closed) return;
    group.closed = true;
    metrics.counts.shared--;
    if (groups.get(group.key) === group) groups.delete(group.key);
    void group.upstream?.return();
  }

  /**
   * Adds a client subscription to the group of `key` (starting it with `start` if there is
   * none). Returns the iterator graphql-ws keeps for it: it yields nothing itself (results are
   * written to the socket directly), ends when the group ends, and `return()` leaves the group.
   */
  function join(key: string, start: StartGroup, socket: WebSocket, id: string) {
    let group = groups.get(key);
    const isNew = !group;
    if (!group) {
      group = { key, subscribers: new Set(), closed: false };
      groups.set(key, group);
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
      for (const group of [...groups.values()]) {
        closeGroup(group);
        for (const subscriber of [...group.subscribers]) subscriber.end();
      }
    },
  };
}
export type SharedSubscriptions = ReturnType<typeof createSharedSubscriptions>;
