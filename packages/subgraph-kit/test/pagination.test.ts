import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCursor, encodeCursor, type CursorValueKind } from '../src/pagination';

const ID = '0b9c7e64-1f2a-4c3d-9e8f-a1b2c3d4e5f6';
const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The code and argument of what decoding `c` as `kind` throws (undefined: it decoded). */
function refusal(c: string, kind: CursorValueKind) {
  try {
    decodeCursor(c, kind);
    return undefined;
  } catch (err) {
    const e = err as { extensions: Record<string, unknown> };
    return [e.extensions.code, e.extensions.argument];
  }
}

describe('decodeCursor', () => {
  it('round-trips the cursors the lists write, ids in lower case', () => {
    const cases: [CursorValueKind, string | number][] = [
      ['timestamp', '2026-12-01T23:59:59.123456Z'],
      ['timestamp', '2024-02-29T00:00:00.000000Z'],
      ['integer', 2147483647],
      ['bigint', Number.MAX_SAFE_INTEGER],
      ['real', 0.0607927],
      ['real', 0],
      ['numeric', -1],
      ['numeric', 4.5],
    ];
    for (const [kind, value] of cases)
      assert.deepEqual(decodeCursor(encodeCursor([value, ID]), kind), [value, ID], kind);
    assert.deepEqual(decodeCursor(cursor([1, ID.toUpperCase()]), 'integer'), [1, ID]);
    assert.equal(decodeCursor(null, 'timestamp'), null);
    assert.equal(decodeCursor(undefined, 'integer'), null);
  });

  it('refuses every component its SQL comparison could not take, with BAD_USER_INPUT', () => {
    const bad: [CursorValueKind, string][] = [
      ['timestamp', cursor(['9999-99-99T99:99:99.999999Z', ID])],
      ['timestamp', cursor(['2023-02-29T00:00:00.000000Z', ID])],
      ['timestamp', cursor(['0000-01-01T00:00:00.000000Z', ID])],
      ['timestamp', cursor(['2024-01-01T24:00:00.000000Z', ID])],
      ['timestamp', cursor(['2024-01-01T00:00:00Z', ID])],
      ['timestamp', cursor([1, ID])],
      ['timestamp', cursor(['2024-01-01T00:00:00.000000Z', '-'.repeat(36)])],
      ['timestamp', cursor(['2024-01-01T00:00:00.000000Z', `${ID.slice(0, 35)}g`])],
      ['integer', cursor([3e9, ID])],
      ['integer', cursor([1.5, ID])],
      ['integer', cursor(['1', ID])],
      ['bigint', cursor([2 ** 53, ID])],
      ['real', cursor([1e300, ID])],
      ['real', cursor([-1e300, ID])],
      ['real', cursor([1e-300, ID])],
      ['numeric', cursor([null, ID])],
      ['numeric', cursor([[1], ID])],
      ['numeric', cursor([1, ID, 2])],
      ['numeric', cursor({ 0: 1, 1: ID })],
      ['numeric', ''],
      ['numeric', '!!!!'],
      ['numeric', 'a'.repeat(600)],
      ['numeric', Buffer.from('[1e999,"x"]').toString('base64url')],
    ];
    for (const [kind, c] of bad)
      assert.deepEqual(refusal(c, kind), ['BAD_USER_INPUT', 'after'], `${kind} ${c}`);
  });
});
