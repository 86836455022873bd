import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auditServer } from 'graphql-http';
import { LEAKS, post, postQuery, startGateway } from './helpers';

/**
 * Client mistakes and malformed requests, as real clients and probes send them: each gets a
 * coded JSON error with a 4xx status, in development and in production mode alike.
 */
for (const mode of ['development', 'production'] as const) {
  describe(`gateway request errors (${mode})`, { timeout: 60_000 }, () => {
    let gw: Awaited<ReturnType<typeof startGateway>>;
    before(async () => {
      gw = await startGateway({ NODE_ENV: mode });
    });
    after(() => gw?.stop());

    const expectError = (
      res: Awaited<ReturnType<typeof post>>,
      status: number,
      code: string,
      label: string,
    ) => {
      assert.equal(res.status, status, `${label}: ${res.text}`);
      assert.match(res.headers.get('content-type') ?? '', /json/, label);
      assert.doesNotMatch(res.text, LEAKS, label);
      assert.equal(res.json?.errors?.[0]?.extensions?.code, code, `${label}: ${res.text}`);
      assert.equal(typeof res.json.errors[0].message, 'string', label);
    };

    it('answers client mistakes with 400 and a code, not 500', async () => {
      const cases: [string, Record<string, unknown>, string][] = [
        [
          'two operations, no operationName',
          { query: 'query A { __typename } query B { __typename }' },
          'BAD_REQUEST',
        ],
        [
          'an unknown operationName',
          { query: 'query A { __typename }', operationName: 'Nope' },
          'BAD_REQUEST',
        ],
        [
          'a subscription over POST',
          { query: 'subscription { myTaskEvents { cursor } }' },
          'BAD_REQUEST',
        ],
        [
          'a persisted-query hash that does not match',
          {
            query: '{ __typename }',
            extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } },
          },
          'BAD_REQUEST',
        ],
        [
          'an unknown persisted-query version',
          {
            query: '{ __typename }',
            extensions: { persistedQuery: { version: 2, sha256Hash: 'abc' } },
          },
          'BAD_REQUEST',
        ],
        [
          'a persisted query that is not an object',
          { query: '{ __typename }', extensions: { persistedQuery: 'x' } },
          'BAD_REQUEST',
        ],
        ['no query at all', { variables: {} }, 'BAD_REQUEST'],
        ['a query that is not a string', { query: 42 }, 'BAD_REQUEST'],
      ];
      for (const [label, body, code] of cases)
        expectError(await post(gw.url, JSON.stringify(body)), 400, code, label);
      const two = await post(
        gw.url,
        JSON.stringify({ query: 'query A { __typename } query B { __typename }' }),
      );
      assert.match(two.json.errors[0].message, /operationName/);
    });

    it('answers malformed bodies with coded JSON, never an HTML page with a stack trace', async () => {
      const cases: [string, string, Record<string, string>, number, string][] = [
        ['truncated JSON', '{"query":', {}, 400, 'BAD_REQUEST'],
        ['null', 'null', {}, 400, 'BAD_REQUEST'],
        ['a string', '"{ __typename }"', {}, 400, 'BAD_REQUEST'],
        ['an empty array', '[]', {}, 400, 'BAD_REQUEST'],
        [
          'latin1',
          '{"query":"{ __typename }"}',
          { 'content-type': 'application/json; charset=latin1' },
          415,
          'BAD_REQUEST',
        ],
        [
          'utf-16',
          '{"query":"{ __typename }"}',
          { 'content-type': 'application/json; charset=utf-16' },
          400,
          'BAD_REQUEST',
        ],
        ['a bogus gzip body', 'not gzip', { 'content-encoding': 'gzip' }, 400, 'BAD_REQUEST'],
        ['an unknown encoding', '{}', { 'content-encoding': 'br2' }, 415, 'BAD_REQUEST'],
        [
          'over the body limit',
          JSON.stringify({ query: '{ __typename }', pad: 'x'.repeat(1_100_000) }),
          {},
          413,
          'PAYLOAD_TOO_LARGE',
        ],
      ];
      for (const [label, body, headers, status, code] of cases)
        expectError(await post(gw.url, body, headers), status, code, label);
      const fine = await postQuery(gw.url, '{ __typename }');
      assert.deepEqual(fine.json, { data: { __typename: 'Query' } });
    });
  });
}

describe('GraphQL over HTTP (graphql-http audit)', { timeout: 120_000 }, () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw?.stop());

  it('passes every MUST and every SHOULD of the audit', async () => {
    const results = await auditServer({ url: gw.url });
    const tally = (level: string) => {
      const of = results.filter((r) => r.name.startsWith(level));
      return { total: of.length, failed: of.filter((r) => r.status !== 'ok') };
    };
    const must = tally('MUST');
    const should = tally('SHOULD');
    const failures = [...must.failed, ...should.failed].map(
      (r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`,
    );
    assert.deepEqual(failures, [], 'no MUST or SHOULD fails');
    assert.ok(must.total > 10 && should.total >= 23, `${must.total} MUST, ${should.total} SHOULD`);
    console.log(
      `graphql-http audit: MUST ${must.total - must.failed.length}/${must.total}, SHOULD ${should.total - should.failed.length}/${should.total}`,
    );
  });
});
