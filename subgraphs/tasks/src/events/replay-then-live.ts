import { FixedBuffer, Repeater } from '@repeaterjs/repeater';
import type { TaskEventStream } from './task-event-stream';
import type { StreamEvent, StreamPosition } from './task-event.store';

/** What one subscription follows. */
export interface Replay {
  /** Rows up to `upTo` (inclusive) that the subscriber missed. */
  query: (upTo: StreamPosition) => Promise<StreamEvent[]>;
  /** Whether a live event belongs to this subscription. */
  wants: (event: StreamEvent) => boolean;
  /** Ends the subscription after this event (a task's terminal state). */
  endsWith?: (event: StreamEvent) => boolean;
}

/**
 * A subscription's events: what it missed (from the database, up to the shared stream's head
 * at the moment it registered), then everything live after that head — in order, without a gap
 * or a repeat across the switch. Returning (the client unsubscribes) unregisters at once; what
 * the subscriber has not read yet waits in an unbounded buffer, so a slow reader loses nothing.
 */
export function replayThenLive(
  stream: TaskEventStream,
  replay: Replay,
): AsyncIterableIterator<StreamEvent> {
  return new Repeater<StreamEvent>(async (push, stop) => {
    // Live events that arrive while the replay runs; null once they are delivered directly.
    let arrived: StreamEvent[] | null = [];
    const deliver = (event: StreamEvent) => {
      void push(event);
      if (replay.endsWith?.(event)) stop();
    };
    const unsubscribe = stream.subscribe((event) => {
      if (!replay.wants(event)) return;
      if (arrived) arrived.push(event);
      else deliver(event);
    });
    replay.query(stream.head).then(
      (missed) => {
        const live = arrived ?? [];
        arrived = null;
        for (const event of [...missed, ...live]) deliver(event);
      },
      (err) => stop(err),
    );
    await stop;
    unsubscribe();
  }, new FixedBuffer(Infinity));
}
