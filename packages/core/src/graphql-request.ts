/** A GraphQL response as it arrived: HTTP status, data, errors. */
export interface GraphQLResponse<T = unknown> {
  status: number;
  data?: T | null;
  errors?: {
    message: string;
    path?: (string | number)[];
    extensions?: Record<string, unknown> & { code?: string };
  }[];
}

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** A bearer credential (session token or API key), sent as `Authorization: Bearer ...`. */
  token?: string;
  /** Further headers (a subgraph's signed identity, for instance). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * POSTs one GraphQL operation as JSON and returns the answer as it came (status, data, errors):
 * the one GraphQL-over-HTTP call of Agentry's scripts, tests and benchmarks. A body that is not
 * a GraphQL response (a proxy's HTML page, say) is an Error naming the status.
 */
export async function graphqlRequest<T = unknown>(
  url: string,
  request: GraphQLRequest,
): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
      ...request.headers,
    },
    body: JSON.stringify({
      query: request.query,
      variables: request.variables ?? {},
      ...(request.operationName ? { operationName: request.operationName } : {}),
    }),
    signal: request.signal,
  });
  const text = await res.text();
  let body: Omit<GraphQLResponse<T>, 'status'>;
  try {
    body = JSON.parse(text) as Omit<GraphQLResponse<T>, 'status'>;
  } catch {
    throw new Error(
      `${url} answered HTTP ${res.status} without a GraphQL result: ${text.slice(0, 200)}`,
    );
  }
  return { status: res.status, ...body };
}

/** The data of a response that must have no errors; throws with their messages otherwise. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length)
    throw new Error(
      `GraphQL errors: ${response.errors.map((e) => `${e.extensions?.code ?? ''} ${e.message}`.trim()).join('; ')}`,
    );
  return response.data as T;
}
