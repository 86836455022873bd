import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { GraphQLError, Kind, valueFromASTUntyped } from 'graphql';
import { AppError, ErrorCode, type Identity } from '@agentry/core';
import { checkOperation, fragmentsFor, rootFieldNodes } from './check-operation';
import type { OperationLimits } from './options';
import { rateLimitKey, type RateLimits } from './rate-limits';

/** What the limits read from the gateway's request context. */
export interface LimitsContext {
  identity: Identity;
  /** The client's address (see http/client-address.ts); absent when the transport cannot tell. */
  clientAddress?: string;
}

/**
 * The gateway's gate before execution, in Apollo's `didResolveOperation` (the document is
 * parsed and valid, the operation chosen, nothing has run yet):
 * 1. client mistakes Apollo or @apollo/gateway would answer with 500 -> 400 BAD_REQUEST: no
 *    operation matches `operationName` (or several and none named), a subscription over HTTP;
 * 2. static limits and cost (checkOperation) -> 400 BAD_USER_INPUT;
 * 3. sign-in / sign-up throttles per account and client address -> 429 RATE_LIMITED;
 * 4. the identity's operation and cost budgets -> 429 RATE_LIMITED.
 * Operations sent over the WebSocket run through the same pipeline (`executeOperation`).
 */
export function limitsPlugin(options: {
  limits: OperationLimits;
  rateLimits: RateLimits;
}): ApolloServerPlugin<LimitsContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const operation = rc.operation;
          if (!operation) throw badRequest(noOperationMessage(rc));
          if (operation.operation === 'subscription')
            throw badRequest(
              'Subscriptions run over WebSocket (graphql-ws) on /graphql; HTTP serves queries and mutations.',
            );
          let cost: number;
          try {
            cost = checkOperation(
              {
                schema: rc.schema,
                document: rc.document,
                operation,
                variables: rc.request.variables,
              },
              options.limits,
            );
          } catch (err) {
            throw withStatus(err, 400);
          }
          const { identity, clientAddress } = rc.contextValue;
          const address = clientAddress ?? 'unknown';
          if (operation.operation === 'mutation') {
            for (const field of rootFieldNodes(operation.selectionSet, fragmentsFor(rc.document))) {
              if (field.name.value === 'signUp') await options.rateLimits.signUp(address);
              if (field.name.value === 'signIn') {
                const arg = field.arguments?.find((a) => a.name.value === 'email');
                const email = arg ? valueFromASTUntyped(arg.value, rc.request.variables) : '';
                await options.rateLimits.signIn(typeof email === 'string' ? email : '', address);
              }
            }
          }
          await options.rateLimits.operation(rateLimitKey(identity, clientAddress), cost);
        },
      };
    },
  };
}

function noOperationMessage(rc: GraphQLRequestContext<LimitsContext>): string {
  const names = (rc.document?.definitions ?? []).flatMap((d) =>
    d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(anonymous)'] : [],
  );
  const wanted = rc.request.operationName;
  if (wanted)
    return `The document has no operation named "${wanted}" (it has: ${names.join(', ') || 'none'}).`;
  return `The document has ${names.length} operations (${names.join(', ')}); pass operationName to choose one.`;
}

const badRequest = (message: string) =>
  new AppError(ErrorCode.BAD_REQUEST, message, { http: { status: 400 } });

/** Gives a GraphQLError thrown before execution an HTTP status (Apollo's default is 500). */
function withStatus(err: unknown, status: number): unknown {
  if (!(err instanceof GraphQLError) || err.extensions.http) return err;
  return new GraphQLError(err.message, { extensions: { ...err.extensions, http: { status } } });
}
