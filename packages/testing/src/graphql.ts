import { graphqlRequest, type GraphQLResponse } from '@agentry/core';

/** A response as tests read it: loosely typed data by default. */
export type GraphQLResult<T = any> = GraphQLResponse<T>;

/** POSTs a GraphQL operation; `auth` is a bearer credential (gateway) or signed headers (subgraph). */
export function gql<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  auth?: string | Record<string, string>,
): Promise<GraphQLResult<T>> {
  return graphqlRequest<T>(url, {
    query,
    variables,
    ...(typeof auth === 'string' ? { token: auth } : { headers: auth }),
  });
}

/** The data of a result that must have no errors (throws with them otherwise). */
export function ok<T>(result: GraphQLResult<T>): T {
  if (result.errors?.length)
    throw new Error(`unexpected GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** The codes of a result's errors, e.g. `['FORBIDDEN']`. */
export const codes = (result: GraphQLResult): string[] =>
  (result.errors ?? []).map((e) => e.extensions?.code as string);
