import assert from 'node:assert/strict';
import type http from 'node:http';
import { describe, it } from 'node:test';
import { ErrorCode } from '@agentry/core';
import { createA2AClient, parseAgentCard, resolveAgentCard } from '../src';
import { collect, serve } from './helpers';

const dev = { allowPrivate: true, timeoutMs: 5000 };
/** What the servers below answer: it must never come back in an error message. */
const SECRET = 'SECRET-BODY-7f3a';

/** Rejects with a coded error whose message names no part of the body. */
async function refusedWithoutEcho(promise: Promise<unknown>, code: string) {
  await assert.rejects(promise, (err: unknown) => {
    const e = err as { extensions?: { code?: string }; message: string };
    assert.equal(e.extensions?.code, code, e.message);
    assert.doesNotMatch(e.message, /SECRET|7f3a|<html/i);
    return true;
  });
}

const answers: [string, http.RequestListener][] = [
  ['an HTTP error page', (_req, res) => res.writeHead(404).end(`<html>${SECRET}</html>`)],
  ['a server error', (_req, res) => res.writeHead(500).end(`${SECRET} at /srv/app.js:12`)],
  ['a page that is not JSON', (_req, res) => res.writeHead(200).end(`<html>${SECRET}</html>`)],
  [
    'broken JSON',
    (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(`{"${SECRET}": `),
  ],
];

describe('errors about a fetched URL never echo its body', () => {
  for (const [what, handler] of answers) {
    it(`card fetch: ${what}`, async () => {
      const server = await serve(handler);
      try {
        const code =
          what === 'a page that is not JSON' || what === 'broken JSON'
            ? ErrorCode.BAD_USER_INPUT
            : ErrorCode.AGENT_UNREACHABLE;
        await refusedWithoutEcho(resolveAgentCard(server.url, dev), code);
      } finally {
        await server.close();
      }
    });

    it(`agent call: ${what}`, async () => {
      const server = await serve(handler);
      try {
        const info = parseAgentCard(
          {
            name: 'Not an agent',
            description: 'Its interface is any URL.',
            version: '1',
            supportedInterfaces: [{ url: `${server.url}/rpc`, protocolBinding: 'JSONRPC' }],
            skills: [],
          },
          `${server.url}/.well-known/agent-card.json`,
        );
        const client = await createA2AClient(info, dev);
        await refusedWithoutEcho(collect(client.send({ text: 'hi' })), ErrorCode.AGENT_UNREACHABLE);
      } finally {
        await server.close();
      }
    });
  }

  it('card validation names fields, not the values a card holds', async () => {
    const server = await serve((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ name: 5, description: [SECRET], version: { SECRET }, skills: SECRET }),
        ),
    );
    try {
      await refusedWithoutEcho(resolveAgentCard(server.url, dev), ErrorCode.BAD_USER_INPUT);
    } finally {
      await server.close();
    }
  });
});
