import { dataOf, graphqlRequest } from '@agentry/core';

/** A GraphQL call that must succeed (benchmarks stop on the first error). */
export async function gql(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<any> {
  return dataOf(await graphqlRequest(url, { query, variables, token }));
}

/** Signs a benchmark user up and returns its session token. */
export const signUp = async (gatewayUrl: string, email: string, publisher = false) =>
  (
    await gql(gatewayUrl, 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }', {
      i: { email, password: 'bench-password', name: email, publisher },
    })
  ).signUp.token as string;

/**
 * Gateway settings for benchmarks: thousands of sign-ups and operations come from one address
 * and a few users here, which the production rate limits would refuse (docs/OPERATIONS.md).
 */
export const BENCH_GATEWAY_ENV: NodeJS.ProcessEnv = {
  SIGN_UP_LIMIT_PER_ADDRESS: '1000000',
  SIGN_IN_LIMIT_PER_ADDRESS: '1000000',
  RATE_LIMIT_OPERATIONS: '1000000000',
  RATE_LIMIT_COST: '1000000000000',
  // One user follows with thousands of sockets.
  MAX_SUBSCRIPTIONS_PER_USER: '1000000',
};
