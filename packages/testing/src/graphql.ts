export interface GraphQLResult<T = any> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** POSTs a GraphQL operation; `auth` is a bearer credential (gateway) or signed headers (subgraph). */
export async function gql<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  auth?: string | Record<string, string>,
): Promise<GraphQLResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (typeof auth === 'string') headers.authorization = `Bearer ${auth}`;
  else if (auth) Object.assign(headers, auth);
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GraphQLResult<T>, 'status'>;
  return { status: res.status, ...body };
}

/** The data of a result that must have no errors (throws with them otherwise). */
export function ok<T>(result: GraphQLResult<T>): T {
  if (result.errors?.length)
    throw new Error(`unexpected GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** The codes of a result's errors, e.g. `['FORBIDDEN']`. */
export const codes = (result: GraphQLResult) =>
  (result.errors ?? []).map((e) => e.extensions?.code);
