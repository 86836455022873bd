import type { ApolloServerPlugin } from '@apollo/server';
import Negotiator from 'negotiator';

const APPLICATION_JSON = 'application/json; charset=utf-8';
const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';

/** Errors of a well-formed request whose document or variables were refused before running. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
]);

/**
 * GraphQL over HTTP: a client that accepts only `application/json` (the legacy media type) gets
 * 200 for a GraphQL request error (parse, validation, variable coercion, a refused limit); one
 * that accepts `application/graphql-response+json` gets 400, as Apollo Server answers both
 * today. HTTP-level refusals keep their status: 400 BAD_REQUEST for a malformed request, 401 for
 * a bad credential, 413, 429 RATE_LIMITED with Retry-After.
 */
export function responseStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (!request.http || response.http.status !== 400 || response.body.kind !== 'single')
            return;
          const result = response.body.singleResult;
          if (result.data !== undefined || !result.errors?.length) return;
          if (!result.errors.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code))))
            return;
          // The same choice Apollo Server makes for the response's content type.
          const accept = request.http.headers.get('accept');
          const chosen = accept
            ? new Negotiator({ headers: { accept } }).mediaType([
                APPLICATION_JSON,
                GRAPHQL_RESPONSE_JSON,
              ])
            : APPLICATION_JSON;
          if (chosen !== APPLICATION_JSON) return;
          response.http.status = 200;
          response.http.headers.set('content-type', APPLICATION_JSON);
        },
      };
    },
  };
}
