import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { Client, Provider, cacheExchange, fetchExchange } from 'urql';
import { retryExchange } from '@urql/exchange-retry';
import { createLiveConnection, type LiveConnection } from '@agentry/client/src/live';
import { useSession } from './session';

const LiveContext = createContext<LiveConnection | null>(null);

/** The socket for live task events (graphql-ws on the gateway's own origin). */
export function useLive(): LiveConnection {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive needs a GraphQLProvider');
  return live;
}

const wsUrl = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;

/**
 * urql for queries and mutations (POST: the gateway's CSRF prevention refuses simple GETs) and
 * one graphql-ws socket for live events, both carrying the session token; both are made anew
 * when the session changes, so no cached answer of one user is shown to another.
 */
export function GraphQLProvider({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const token = session?.token;
  const { client, live } = useMemo(() => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    return {
      client: new Client({
        url: '/graphql',
        preferGetMethod: false,
        exchanges: [
          cacheExchange,
          // A dropped connection or a transient server error is retried for reads only, never
          // for mutations (a hire sent twice would be two tasks).
          retryExchange({
            maxNumberAttempts: 3,
            initialDelayMs: 300,
            retryIf: (error, operation) =>
              operation.kind === 'query' &&
              (!!error.networkError ||
                error.graphQLErrors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')),
          }),
          fetchExchange,
        ],
        fetchOptions: { headers },
      }),
      live: createLiveConnection({ url: wsUrl(), credential: () => token }),
    };
  }, [token]);
  useEffect(() => () => void live.dispose(), [live]);
  return (
    <LiveContext.Provider value={live}>
      <Provider value={client}>{children}</Provider>
    </LiveContext.Provider>
  );
}
