import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replayThenLive, type Replay } from '../src/events/replay-then-live';
import type { TaskEventStream } from '../src/events/task-event-stream';
import type { StreamEvent, StreamPosition } from '../src/events/task-event.store';
import { TaskState } from '../src/task/task-state.type';

/**
 * The subscription iterator over an in-memory stand-in for the shared stream (the real stream,
 * over PostgreSQL, is covered by subscriptions.test.ts): replay then live without a gap, the end
 * after a terminal state, unsubscribing at once, and a slow reader that loses nothing.
 */
function fakeStream() {
  const listeners = new Set<(event: StreamEvent) => void>();
  let head: StreamPosition = { txId: 0n, position: 0n };
  const stream = {
    get head() {
      return head;
    },
    subscribe(listener: (event: StreamEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit = (event: StreamEvent) => {
    head = event.at;
    for (const l of listeners) l(event);
  };
  return { stream: stream as unknown as TaskEventStream, listeners, emit };
}

const event = (sequence: number, state = TaskState.WORKING): StreamEvent =>
  ({
    taskId: '00000000-0000-4000-8000-000000000001',
    sequence,
    state,
    requesterId: '00000000-0000-4000-8000-000000000002',
    at: { txId: BigInt(sequence), position: BigInt(sequence) },
  }) as StreamEvent;

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const all: Replay['wants'] = () => true;

describe('replayThenLive', () => {
  it('delivers the replay, then what arrived during it, then live events, in order', async () => {
    const { stream, emit } = fakeStream();
    for (let i = 1; i <= 3; i++) emit(event(i));
    const replayed = deferred<StreamEvent[]>();
    let upTo: StreamPosition | null = null;
    const events = replayThenLive(stream, {
      query: (position) => {
        upTo = position;
        return replayed.promise;
      },
      wants: all,
    });
    const first = events.next();
    await Promise.resolve();
    assert.deepEqual(upTo, { txId: 3n, position: 3n }, 'replays up to the head it registered at');
    emit(event(4));
    emit(event(5));
    replayed.resolve([event(1), event(2), event(3)]);
    const got = [(await first).value.sequence];
    for (let i = 0; i < 4; i++) got.push((await events.next()).value.sequence);
    emit(event(6));
    got.push((await events.next()).value.sequence);
    assert.deepEqual(got, [1, 2, 3, 4, 5, 6]);
    await events.return!();
  });

  it('ends after the event endsWith names and stops listening', async () => {
    const { stream, listeners, emit } = fakeStream();
    const events = replayThenLive(stream, {
      query: async () => [event(1)],
      wants: all,
      endsWith: (e) => e.state === TaskState.COMPLETED,
    });
    assert.equal((await events.next()).value.sequence, 1);
    emit(event(2, TaskState.COMPLETED));
    emit(event(3));
    assert.equal((await events.next()).value.sequence, 2);
    assert.deepEqual(await events.next(), { value: undefined, done: true });
    assert.equal(listeners.size, 0);
  });

  it('unregisters as soon as the subscriber returns, with a read still pending', async () => {
    const { stream, listeners, emit } = fakeStream();
    const events = replayThenLive(stream, { query: async () => [], wants: all });
    const pending = events.next();
    await Promise.resolve();
    assert.equal(listeners.size, 1);
    const returned = events.return!();
    emit(event(1));
    // Before any timer could fire: unregistering waits for nothing.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(listeners.size, 0);
    assert.deepEqual(await returned, { value: undefined, done: true });
    assert.deepEqual(await pending, { value: undefined, done: true });
    assert.deepEqual(await events.next(), { value: undefined, done: true });
  });

  it('keeps everything for a slow reader (more than the 1,024 pending pushes a Repeater allows)', async () => {
    const { stream, emit } = fakeStream();
    const events = replayThenLive(stream, { query: async () => [], wants: all });
    const first = events.next();
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 1; i <= 5000; i++) emit(event(i));
    const got = [(await first).value.sequence];
    while (got.length < 5000) got.push((await events.next()).value.sequence);
    assert.deepEqual(
      got,
      Array.from({ length: 5000 }, (_, i) => i + 1),
    );
    await events.return!();
  });

  it('fails the subscription when the replay fails, and stops listening', async () => {
    const { stream, listeners } = fakeStream();
    const events = replayThenLive(stream, {
      query: async () => {
        throw new Error('database gone');
      },
      wants: all,
    });
    await assert.rejects(events.next(), /database gone/);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(listeners.size, 0);
  });
});
