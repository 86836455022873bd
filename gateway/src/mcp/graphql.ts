/** A GraphQL error as a tool reports it: `"<CODE>: <message>"`. */
export class ToolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ToolError';
  }
  override toString() {
    return `${this.code}: ${this.message}`;
  }
}

/** Runs one GraphQL operation as the MCP caller; resolves to `data`, rejects with a ToolError. */
export type GraphQLCaller = <T>(
  query: string,
  variables?: Record<string, unknown>,
  signal?: AbortSignal,
) => Promise<T>;

export interface GraphQLCallerOptions {
  /** The gateway's own `/graphql` endpoint (loopback). */
  endpoint: () => string;
  /** The caller's `Authorization` header, forwarded as it came. */
  authorization: string;
  /** Bound on one operation (default 30 s); a tool's wait loop is bounded separately. */
  timeoutMs?: number;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message?: string; extensions?: { code?: unknown } }[];
}

/**
 * Tools go through the gateway's public `/graphql` over HTTP, with the caller's own credential,
 * so they pass exactly the pipeline a GraphQL client does: authentication (a key revoked while a
 * tool waits stops working at its next poll), limits, the subgraphs' authorization and the public
 * error formatting. Partial data is not returned: any error fails the tool with the first code.
 */
export function createGraphQLCaller(options: GraphQLCallerOptions): GraphQLCaller {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async <T>(
    query: string,
    variables: Record<string, unknown> = {},
    signal?: AbortSignal,
  ) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await fetch(options.endpoint(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: options.authorization,
        },
        body: JSON.stringify({ query, variables }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch {
      if (timeout.aborted)
        throw new ToolError('TIMEOUT', `The marketplace did not answer within ${timeoutMs} ms.`);
      if (signal?.aborted) throw new ToolError('CANCELED', 'The request was canceled.');
      throw new ToolError(
        'INTERNAL_SERVER_ERROR',
        'The marketplace could not be reached; try again shortly.',
      );
    }
    let body: GraphQLResponse<T>;
    try {
      body = (await res.json()) as GraphQLResponse<T>;
    } catch {
      throw new ToolError(
        'INTERNAL_SERVER_ERROR',
        `The marketplace answered HTTP ${res.status} without a GraphQL result.`,
      );
    }
    const first = body.errors?.[0];
    if (first) {
      const code = typeof first.extensions?.code === 'string' ? first.extensions.code : undefined;
      throw new ToolError(code ?? 'INTERNAL_SERVER_ERROR', first.message ?? 'Unknown error.');
    }
    if (!body.data)
      throw new ToolError('INTERNAL_SERVER_ERROR', `The marketplace answered without data.`);
    return body.data;
  };
}
