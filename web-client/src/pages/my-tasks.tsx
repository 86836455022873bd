import { useState } from 'react';
import { Link } from 'wouter';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { TaskState } from '../gql/graphql';
import { Empty, ErrorNotice, Loading } from '../components/status';
import { credits, formatDate } from '../format';
import { useResumable } from '../live-task';

const MyTasksQuery = graphql(`
  query MyTasks($state: TaskState, $after: String) {
    myTasks(state: $state, first: 20, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          state
          cost
          createdAt
          agent {
            id
            name
          }
        }
      }
    }
  }
`);

const MyTaskEventsSubscription = graphql(`
  subscription MyTaskUpdates($after: String) {
    myTaskEvents(after: $after) {
      cursor
      sequence
      state
      task {
        id
        state
        cost
        createdAt
        agent {
          id
          name
        }
      }
    }
  }
`);

const STATES: TaskState[] = [
  'SUBMITTED',
  'WORKING',
  'INPUT_REQUIRED',
  'AUTH_REQUIRED',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'REJECTED',
];

type Row = {
  id: string;
  state: TaskState;
  cost?: number | null;
  createdAt: string;
  /** null when the agent is no longer published. */
  agent: { id: string; name: string } | null;
};

function TaskRows({ rows, live }: { rows: readonly Row[]; live: Map<string, Row> }) {
  return (
    <>
      {rows.map((t) => {
        const now = live.get(t.id) ?? t;
        return (
          <tr key={t.id}>
            <td>
              <Link href={`/tasks/${t.id}`}>{t.agent?.name ?? 'an unpublished agent'}</Link>
            </td>
            <td className={`state state-${now.state}`}>{now.state}</td>
            <td>{now.cost == null ? '—' : credits(now.cost)}</td>
            <td>{formatDate(t.createdAt)}</td>
          </tr>
        );
      })}
    </>
  );
}

function MorePage({
  state,
  after,
  last,
  live,
  onMore,
}: {
  state: TaskState | null;
  after: string;
  last: boolean;
  live: Map<string, Row>;
  onMore: (c: string) => void;
}) {
  const [{ data, error }] = useQuery({ query: MyTasksQuery, variables: { state, after } });
  if (error)
    return (
      <tr>
        <td colSpan={4}>
          <ErrorNotice error={error} />
        </td>
      </tr>
    );
  const page = data?.myTasks;
  if (!page) return null;
  return (
    <>
      <TaskRows rows={page.edges.map((e) => e.node)} live={live} />
      {last && page.pageInfo.hasNextPage && (
        <tr>
          <td colSpan={4}>
            <button type="button" onClick={() => onMore(page.pageInfo.endCursor!)}>
              Load more
            </button>
          </td>
        </tr>
      )}
    </>
  );
}

/** The list for one state filter; remounted per filter, so no other filter's rows linger. */
function TaskList({ state, live }: { state: TaskState | null; live: Map<string, Row> }) {
  const [more, setMore] = useState<string[]>([]);
  const [{ data, fetching, error }] = useQuery({
    query: MyTasksQuery,
    variables: { state, after: null },
  });
  // Null (with an error) while the tasks subgraph cannot answer.
  const tasks = data?.myTasks;
  const listed = new Set(tasks?.edges.map((e) => e.node.id));
  const fresh = [...live.values()]
    .filter((t) => !listed.has(t.id) && (!state || t.state === state))
    .reverse();
  return (
    <>
      <ErrorNotice error={error} />
      {!data && fetching && <Loading label="Loading your tasks…" />}
      {tasks && tasks.totalCount === 0 && fresh.length === 0 && (
        <Empty>
          No tasks {state ? `in state ${state}` : 'yet'}. <Link href="/">Hire an agent</Link> to
          start one.
        </Empty>
      )}
      {tasks && (tasks.totalCount > 0 || fresh.length > 0) && (
        <table className="list" aria-label="Tasks">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">State</th>
              <th scope="col">Cost</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            <TaskRows rows={fresh} live={live} />
            <TaskRows rows={tasks.edges.map((e) => e.node)} live={live} />
            {more.map((after, i) => (
              <MorePage
                key={after}
                state={state}
                after={after}
                last={i === more.length - 1}
                live={live}
                onMore={(c) => setMore((m) => [...m, c])}
              />
            ))}
            {more.length === 0 && tasks.pageInfo.hasNextPage && (
              <tr>
                <td colSpan={4}>
                  <button type="button" onClick={() => setMore([tasks.pageInfo.endCursor!])}>
                    Load more
                  </button>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </>
  );
}

export function MyTasksPage() {
  const [state, setState] = useState<TaskState | null>(null);
  // Live from now on: every event of any of my tasks updates its row (or adds it on top).
  const { events, status } = useResumable(
    MyTaskEventsSubscription,
    {},
    (d) => d.myTaskEvents,
    (e) => e.task.id,
  );
  const live = new Map<string, Row>();
  for (const e of events) live.set(e.task.id, e.task);
  return (
    <section aria-labelledby="my-tasks">
      <h1 id="my-tasks">My tasks</h1>
      <label>
        State
        <select
          value={state ?? ''}
          onChange={(e) => setState((e.target.value || null) as TaskState | null)}
        >
          <option value="">All states</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <p className="live-status" role="status">
        {status.state === 'reconnecting' ? 'Reconnecting…' : status.state === 'live' ? 'Live' : ''}
      </p>
      <TaskList key={state ?? 'all'} state={state} live={live} />
    </section>
  );
}
