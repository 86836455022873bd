import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from 'graphql-ws';
import { AgentryError } from '../src/errors';
import { followResumable, type LiveConnection, type LiveStatus } from '../src/live';

/**
 * followResumable over an in-memory stand-in for the graphql-ws client: each `iterate` call plays
 * the next scripted connection. (Its behaviour against the real gateway over a real cut network
 * is tested in examples/client and tests/browser.)
 */
type Step = {
  events?: number[];
  then?: unknown;
  errors?: { message: string; extensions?: object }[];
};

function standIn(steps: Step[]) {
  const calls: Record<string, unknown>[] = [];
  const client = {
    iterate(payload: { variables: Record<string, unknown> }) {
      calls.push(payload.variables);
      const step = steps.shift() ?? { then: new Error('no more scripted connections') };
      async function* play() {
        for (const n of step.events ?? []) yield { data: { ev: { cursor: `c${n}`, sequence: n } } };
        if (step.errors) yield { errors: step.errors };
        if (step.then) throw step.then;
      }
      return play();
    },
  } as unknown as Client;
  const live: LiveConnection = { client, isOpen: () => true, onOpen: () => () => {} };
  return { live, calls };
}

const follow = (live: LiveConnection, options = {}) =>
  followResumable(
    live,
    'subscription { ev }',
    { taskId: 't' },
    (d: { ev: { cursor: string; sequence: number } }) => d.ev,
    () => 't',
    { backoffMs: () => 0, ...options },
  );

async function collect(it: AsyncIterable<{ sequence: number }>) {
  const seen: number[] = [];
  for await (const e of it) seen.push(e.sequence);
  return seen;
}

const closed = (code: number) => ({ code, reason: 'gone' });

describe('followResumable', () => {
  it('resubscribes after a drop from the last cursor and drops replayed events', async () => {
    const { live, calls } = standIn([
      { events: [1, 2], then: closed(1006) },
      { events: [2, 3], then: closed(1001) }, // the server replays 2: it must not show twice
      { events: [3, 4, 5] },
    ]);
    const statuses: LiveStatus['state'][] = [];
    const seen = await collect(
      follow(live, { onStatus: (s: LiveStatus) => statuses.push(s.state) }),
    );
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.deepEqual(
      calls.map((c) => c.after),
      [null, 'c2', 'c3'],
    );
    assert.equal(statuses.filter((s) => s === 'reconnecting').length, 2);
    assert.equal(statuses.at(-1), 'done');
  });

  it('starts after a given cursor', async () => {
    const { live, calls } = standIn([{ events: [8, 9] }]);
    assert.deepEqual(await collect(follow(live, { after: 'c7' })), [8, 9]);
    assert.equal(calls[0].after, 'c7');
  });

  it('ends with the GraphQL error code, without retrying', async () => {
    const { live, calls } = standIn([
      { events: [1], errors: [{ message: 'Not yours', extensions: { code: 'FORBIDDEN' } }] },
    ]);
    await assert.rejects(collect(follow(live)), (e: unknown) => {
      assert.ok(e instanceof AgentryError);
      assert.equal(e.code, 'FORBIDDEN');
      return true;
    });
    assert.equal(calls.length, 1);
  });

  it("treats graphql-ws's rejected error list as GraphQL errors", async () => {
    const { live } = standIn([
      { then: [{ message: 'No such task', extensions: { code: 'NOT_FOUND' } }] },
    ]);
    await assert.rejects(
      collect(follow(live)),
      (e: unknown) => (e as AgentryError).code === 'NOT_FOUND',
    );
  });

  it('does not retry a refused credential (4403)', async () => {
    const { live, calls } = standIn([{ then: closed(4403) }, { events: [1] }]);
    await assert.rejects(
      collect(follow(live)),
      (e: unknown) => (e as AgentryError).code === 'UNAUTHENTICATED',
    );
    assert.equal(calls.length, 1);
  });

  it('gives up with NETWORK_ERROR after maxReconnects drops in a row without an event', async () => {
    const { live, calls } = standIn(Array.from({ length: 10 }, () => ({ then: closed(1006) })));
    await assert.rejects(
      collect(follow(live, { maxReconnects: 3 })),
      (e: unknown) => (e as AgentryError).code === 'NETWORK_ERROR',
    );
    assert.equal(calls.length, 4);
  });

  it('resets the count whenever an event arrives', async () => {
    const { live } = standIn([
      { events: [1], then: closed(1006) },
      { events: [2], then: closed(1006) },
      { events: [3], then: closed(1006) },
      { events: [4] },
    ]);
    assert.deepEqual(await collect(follow(live, { maxReconnects: 1 })), [1, 2, 3, 4]);
  });

  it('stops when aborted while waiting to reconnect', async () => {
    const { live, calls } = standIn([{ events: [1], then: closed(1006) }, { events: [2] }]);
    const abort = new AbortController();
    const seen: number[] = [];
    for await (const e of follow(live, {
      signal: abort.signal,
      backoffMs: () => 60_000,
      onStatus: (s: LiveStatus) => s.state === 'reconnecting' && abort.abort(),
    }))
      seen.push(e.sequence);
    assert.deepEqual(seen, [1]);
    assert.equal(calls.length, 1);
  });
});
