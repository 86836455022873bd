import assert from 'node:assert/strict';
import type http from 'node:http';
import { describe, it } from 'node:test';
import { ErrorCode } from '@agentry/core';
import { connectToolServer } from '../src';
import { serve } from './helpers';

const dev = { allowPrivate: true };
/** What the servers below answer: it must never come back in an error message. */
const SECRET = 'SECRET-BODY-7f3a';

const answers: [string, http.RequestListener][] = [
  ['an HTTP error page', (_req, res) => res.writeHead(404).end(`<html>${SECRET}</html>`)],
  ['a server error', (_req, res) => res.writeHead(500).end(`${SECRET} at /srv/app.js:12`)],
  [
    'a page that is not JSON',
    (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>${SECRET}</p>`),
  ],
  [
    'broken JSON',
    (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(`{"${SECRET}": `),
  ],
  [
    'JSON that is not an MCP answer',
    (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', id: 0, [SECRET]: SECRET, result: SECRET })),
  ],
];

describe('MCP errors about a server never echo its body', () => {
  for (const [what, handler] of answers) {
    it(what, async () => {
      const server = await serve(handler);
      try {
        await assert.rejects(connectToolServer(`${server.url}/mcp`, dev), (err: unknown) => {
          const e = err as { extensions?: { code?: string }; message: string };
          assert.equal(e.extensions?.code, ErrorCode.TOOL_UNREACHABLE, e.message);
          assert.doesNotMatch(e.message, /SECRET|7f3a|<p>|<html/i);
          return true;
        });
      } finally {
        await server.close();
      }
    });
  }
});
