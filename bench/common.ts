/** A GraphQL call that must succeed (benchmarks stop on the first error). */
export async function gql(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

/** Signs a benchmark user up and returns its session token. */
export const signUp = async (gatewayUrl: string, email: string, publisher = false) =>
  (
    await gql(gatewayUrl, 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }', {
      i: { email, password: 'bench-password', name: email, publisher },
    })
  ).signUp.token as string;
