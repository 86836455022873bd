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
