import { useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { TaskViewEventsSubscription } from '../gql/graphql';
import { Parts } from '../components/parts';
import { Empty, ErrorNotice, Loading } from '../components/status';
import { credits, formatDate } from '../format';
import { useResumable } from '../live-task';
import { ReviewForm } from './review-form';

const TaskPageQuery = graphql(`
  query TaskPage($id: ID!) {
    task(id: $id) {
      id
      state
      cost
      error
      createdAt
      agent {
        id
        slug
        name
        priceCredits
      }
    }
  }
`);

/** The settled cost, asked again once the task has ended (billing settles it just after). */
const TaskCostQuery = graphql(`
  query TaskCost($id: ID!) {
    task(id: $id) {
      id
      state
      cost
    }
  }
`);

const TaskEventsSubscription = graphql(`
  subscription TaskViewEvents($taskId: ID!, $after: String) {
    taskEvents(taskId: $taskId, after: $after) {
      cursor
      sequence
      kind
      state
      at
      message {
        id
        role
        text
        parts {
          kind
          text
          data
          file {
            name
            mimeType
            uri
          }
        }
      }
      artifact {
        artifactId
        name
        description
        parts {
          kind
          text
          data
          file {
            name
            mimeType
            uri
          }
        }
      }
    }
  }
`);

const ReplyMutation = graphql(`
  mutation ReplyToTask($taskId: ID!, $input: TaskInput!) {
    replyToTask(taskId: $taskId, input: $input) {
      id
      state
    }
  }
`);

const CancelMutation = graphql(`
  mutation CancelTask($taskId: ID!) {
    cancelTask(taskId: $taskId) {
      id
      state
    }
  }
`);

type TaskEvent = TaskViewEventsSubscription['taskEvents'];

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELED', 'REJECTED']);

/** "step 3/8" in a status message: progress an agent reports in words. */
function progressOf(events: readonly TaskEvent[]): { done: number; total: number } | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const m = /(\d+)\s*\/\s*(\d+)/.exec(events[i].message?.text ?? '');
    if (m && Number(m[2]) > 0) return { done: Number(m[1]), total: Number(m[2]) };
  }
  return null;
}

function ReplyBox({ taskId }: { taskId: string }) {
  const [text, setText] = useState('');
  const [{ fetching, error }, reply] = useMutation(ReplyMutation);
  return (
    <form
      className="reply"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!text.trim()) return;
        const r = await reply({ taskId, input: { text } });
        if (r.data) setText('');
      }}
    >
      <label>
        Reply
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} required />
      </label>
      <ErrorNotice error={error} />
      <button type="submit" disabled={fetching}>
        Send reply
      </button>
    </form>
  );
}

function Settled({ taskId, state }: { taskId: string; state: string }) {
  // Billing captures (or releases) the hold right after the terminal event: ask until it has.
  const [{ data }, refetch] = useQuery({
    query: TaskCostQuery,
    variables: { id: taskId },
    requestPolicy: 'network-only',
  });
  const cost = data?.task?.cost;
  const [tries, setTries] = useState(0);
  useEffect(() => {
    if (state !== 'COMPLETED' || cost != null || tries >= 20) return;
    const t = setTimeout(() => {
      setTries((n) => n + 1);
      refetch({ requestPolicy: 'network-only' });
    }, 500);
    return () => clearTimeout(t);
  }, [state, cost, tries, refetch]);
  if (state !== 'COMPLETED')
    return <p className="cost">Nothing was charged: the hold on your wallet was released.</p>;
  if (cost == null) return <p className="cost">Settling the cost…</p>;
  return (
    <p className="cost">
      Cost: <strong>{credits(cost)}</strong>
    </p>
  );
}

export function TaskPage({ id }: { id: string }) {
  const [{ data, fetching, error }] = useQuery({ query: TaskPageQuery, variables: { id } });
  const task = data?.task;
  const {
    events,
    status,
    error: liveError,
  } = useResumable(
    TaskEventsSubscription,
    task ? { taskId: id } : null,
    (d) => d.taskEvents,
    () => id,
  );
  const [{ fetching: canceling, error: cancelError }, cancel] = useMutation(CancelMutation);
  const state = events.length ? (events[events.length - 1].state ?? task?.state) : task?.state;
  const artifacts = useMemo(() => {
    const byId = new Map<string, NonNullable<TaskEvent['artifact']>>();
    for (const e of events) if (e.artifact) byId.set(e.artifact.artifactId, e.artifact);
    return [...byId.values()];
  }, [events]);
  const progress = progressOf(events);

  if (error) return <ErrorNotice error={error} />;
  if (!data) return fetching ? <Loading label="Loading the task…" /> : null;
  if (!task) return <Empty>There is no task here, or it is not yours.</Empty>;
  const ended = !!state && TERMINAL.has(state);
  return (
    <article className="task" aria-labelledby="task-title">
      <h1 id="task-title">
        Task with{' '}
        {task.agent ? (
          <Link href={`/agents/${task.agent.slug}`}>{task.agent.name}</Link>
        ) : (
          'an unpublished agent'
        )}
      </h1>
      <p className="task-state">
        State:{' '}
        <strong className={`state state-${state}`} data-testid="task-state" aria-live="polite">
          {state}
        </strong>
        {!ended && (
          <span className="live-status" role="status">
            {status.state === 'reconnecting'
              ? ' · Reconnecting…'
              : status.state === 'live'
                ? ' · Live'
                : ' · Connecting…'}
          </span>
        )}
      </p>
      <p className="by">
        Started {formatDate(task.createdAt)} · price{' '}
        {task.agent ? credits(task.agent.priceCredits) : '–'}
      </p>
      {progress && !ended && (
        <label className="progress">
          Progress
          <progress max={progress.total} value={progress.done}>
            {progress.done}/{progress.total}
          </progress>
        </label>
      )}
      <ErrorNotice error={liveError} />
      <section aria-labelledby="timeline">
        <h2 id="timeline">Timeline</h2>
        {events.length === 0 && <Loading label="Waiting for the first event…" />}
        <ol className="timeline" aria-label="Task events">
          {events.map((e) => (
            <li key={e.sequence} data-sequence={e.sequence} className={`event kind-${e.kind}`}>
              <span className="when">{new Date(e.at).toLocaleTimeString()}</span>{' '}
              {e.kind === 'STATUS' && <span className="badge">{e.state}</span>}
              {e.kind === 'ARTIFACT' && e.artifact && (
                <span className="badge">Artifact {e.artifact.name ?? e.artifact.artifactId}</span>
              )}
              {e.message && (
                <div className={`msg role-${e.message.role}`}>
                  <span className="role">{e.message.role === 'AGENT' ? 'Agent' : 'You'}:</span>
                  <Parts parts={e.message.parts} />
                </div>
              )}
            </li>
          ))}
        </ol>
      </section>
      {artifacts.length > 0 && (
        <section aria-labelledby="artifacts">
          <h2 id="artifacts">Artifacts</h2>
          {artifacts.map((a) => (
            <div key={a.artifactId} className="artifact">
              <h3>{a.name ?? a.artifactId}</h3>
              {a.description && <p className="by">{a.description}</p>}
              <Parts parts={a.parts} />
            </div>
          ))}
        </section>
      )}
      {state === 'INPUT_REQUIRED' && <ReplyBox taskId={id} />}
      {state === 'FAILED' && task.error && <p className="notice error">{task.error}</p>}
      {!ended && (
        <>
          <ErrorNotice error={cancelError} />
          <button
            type="button"
            className="danger"
            disabled={canceling}
            onClick={() => cancel({ taskId: id })}
          >
            Cancel task
          </button>
        </>
      )}
      {ended && <Settled taskId={id} state={state!} />}
      {state === 'COMPLETED' && task.agent && (
        <ReviewForm agentId={task.agent.id} agentName={task.agent.name} />
      )}
    </article>
  );
}
