import { useEffect, useState } from 'react';
import { stringifyDocument } from '@urql/core';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { followResumable, type LiveStatus } from '@agentry/client/src/live';
import { useLive } from './graphql';

/**
 * Follows a resumable subscription (taskEvents, myTaskEvents) for as long as the component
 * lives: it reconnects by itself from the last cursor (status `reconnecting` meanwhile), and
 * never delivers an event twice (see followResumable).
 */
export function useResumable<TData, TEvent extends { cursor: string; sequence: number }>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any variables type: they are passed through
  document: TypedDocumentNode<TData, any>,
  variables: Record<string, unknown> | null,
  pick: (data: TData) => TEvent,
  keyOf: (event: TEvent) => string,
) {
  const live = useLive();
  const [events, setEvents] = useState<TEvent[]>([]);
  const [status, setStatus] = useState<LiveStatus>({ state: 'connecting' });
  const [error, setError] = useState<unknown>(null);
  const key = variables ? JSON.stringify(variables) : null;
  useEffect(() => {
    if (key === null) return;
    const abort = new AbortController();
    setEvents([]);
    setError(null);
    (async () => {
      try {
        const events = followResumable(
          live,
          stringifyDocument(document),
          JSON.parse(key),
          pick,
          keyOf,
          {
            signal: abort.signal,
            // A person watching waits longer than a script would before giving up.
            maxReconnects: 60,
            onStatus: (s) => !abort.signal.aborted && setStatus(s),
          },
        );
        for await (const event of events) {
          if (abort.signal.aborted) break;
          setEvents((list) => [...list, event]);
        }
      } catch (err) {
        if (!abort.signal.aborted) setError(err);
      }
    })();
    return () => abort.abort();
    // `pick` and `keyOf` are pure per document; re-following when they change identity would
    // restart the subscription for nothing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [live, document, key]);
  return { events, status, error };
}
