import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLResult } from '@agentry/testing';

/** A port nothing listens on: bound, then released. */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const portOf = (url: string) => Number(new URL(url).port);

/** Fails when an answer shows a stack trace, SQL or an internal error. */
export const noLeak = (res: GraphQLResult, label: string) =>
  assert.doesNotMatch(
    JSON.stringify(res),
    /stacktrace|SELECT |INSERT |QueryFailedError|INTERNAL_SERVER_ERROR/,
    label,
  );
