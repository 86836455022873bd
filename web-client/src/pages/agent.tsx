import { useState } from 'react';
import { useLocation } from 'wouter';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import { Empty, ErrorNotice, Loading, SignInFirst } from '../components/status';
import { credits, formatDate, stars } from '../format';
import { useSession } from '../session';
import { KnowledgeGraphSection } from './knowledge-graph';

/** Everything the agent page shows, with the viewer's wallet: one request. */
const AgentPageQuery = graphql(`
  query AgentPage($slug: String!, $signedIn: Boolean!) {
    agent(slug: $slug) {
      id
      slug
      name
      description
      version
      url
      category
      tags
      priceCredits
      available
      status
      defaultInputModes
      defaultOutputModes
      capabilities {
        streaming
        pushNotifications
        stateTransitionHistory
      }
      provider {
        id
        name
      }
      skills {
        id
        name
        description
        tags
        examples
      }
      rating {
        average
        count
        histogram {
          stars
          count
        }
      }
      reviews(first: 5) {
        ...ReviewPage
      }
    }
    me @include(if: $signedIn) {
      id
      wallet {
        available
      }
    }
  }
`);

graphql(`
  fragment ReviewPage on ReviewConnection {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        rating
        title
        body
        updatedAt
        author {
          name
        }
      }
    }
  }
`);

const MoreReviewsQuery = graphql(`
  query MoreReviews($id: ID!, $after: String) {
    agent(id: $id) {
      id
      reviews(first: 10, after: $after) {
        ...ReviewPage
      }
    }
  }
`);

const HireMutation = graphql(`
  mutation Hire($agentId: ID!, $input: TaskInput!) {
    sendTask(agentId: $agentId, input: $input) {
      id
      state
    }
  }
`);

type ReviewEdges = {
  edges: readonly {
    node: {
      id: string;
      rating: number;
      title: string;
      body: string;
      updatedAt: string;
      author: { name: string } | null;
    };
  }[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
};

function ReviewList({ page }: { page: ReviewEdges }) {
  return (
    <>
      {page.edges.map(({ node: r }) => (
        <li key={r.id} className="review">
          <p>
            <strong aria-label={`${r.rating} out of 5 stars`}>{'★'.repeat(r.rating)}</strong>{' '}
            <span className="title">{r.title}</span>
          </p>
          {r.body && <p>{r.body}</p>}
          <p className="by">
            {r.author?.name ?? 'a reviewer'} · {formatDate(r.updatedAt)}
          </p>
        </li>
      ))}
    </>
  );
}

function MoreReviews({
  agentId,
  after,
  last,
  onMore,
}: {
  agentId: string;
  after: string;
  last: boolean;
  onMore: (c: string) => void;
}) {
  const [{ data, error }] = useQuery({
    query: MoreReviewsQuery,
    variables: { id: agentId, after },
  });
  if (error) return <ErrorNotice error={error} />;
  const page = data?.agent?.reviews;
  if (!page) return <Loading label="Loading reviews…" />;
  return (
    <>
      <ReviewList page={page} />
      {last && page.pageInfo.hasNextPage && (
        <li>
          <button type="button" onClick={() => onMore(page.pageInfo.endCursor!)}>
            More reviews
          </button>
        </li>
      )}
    </>
  );
}

function HireForm({
  agentId,
  price,
  available,
}: {
  agentId: string;
  price: number;
  available: number | undefined;
}) {
  const [text, setText] = useState('');
  const [data, setData] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching, error }, hire] = useMutation(HireMutation);
  const [, navigate] = useLocation();
  const short = available !== undefined && available < price ? price - available : 0;
  return (
    <form
      className="hire"
      aria-label="Hire this agent"
      onSubmit={async (e) => {
        e.preventDefault();
        setProblem(null);
        let parsed: unknown = undefined;
        if (data.trim()) {
          try {
            parsed = JSON.parse(data);
          } catch {
            setProblem('The data is not valid JSON. Fix it or leave the field empty.');
            return;
          }
        }
        if (!text.trim() && parsed === undefined) {
          setProblem('Write a message (or give data) for the agent.');
          return;
        }
        const input = {
          ...(text.trim() ? { text } : {}),
          ...(parsed !== undefined ? { data: parsed } : {}),
        };
        const r = await hire({ agentId, input });
        if (r.data) navigate(`/tasks/${r.data.sendTask.id}`);
      }}
    >
      <h2>Hire</h2>
      <p className="price-line">
        Price: <strong>{credits(price)}</strong> · Your wallet:{' '}
        <strong>{available === undefined ? '—' : `${credits(available)} available`}</strong>
      </p>
      {short > 0 && (
        <p className="notice warn">You need {short} more credits to hire this agent.</p>
      )}
      <label>
        Message
        <textarea
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={4}
          maxLength={100_000}
          placeholder="What should the agent do?"
        />
      </label>
      <label>
        Data (JSON, optional)
        <textarea
          value={data}
          onChange={(e) => setData(e.target.value)}
          rows={3}
          spellCheck={false}
          placeholder='{"topic": "RISC-V"}'
        />
      </label>
      {problem && (
        <p className="notice error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNotice error={error} />
      <button type="submit" disabled={fetching}>
        {fetching ? 'Hiring…' : 'Hire'}
      </button>
    </form>
  );
}

export function AgentPage({ slug }: { slug: string }) {
  const { session } = useSession();
  const [{ data, fetching, error }] = useQuery({
    query: AgentPageQuery,
    variables: { slug, signedIn: !!session },
  });
  const [more, setMore] = useState<string[]>([]);
  if (error) return <ErrorNotice error={error} />;
  if (!data) return fetching ? <Loading label="Loading the agent…" /> : null;
  const a = data.agent;
  if (!a) return <Empty>There is no agent at this address.</Empty>;
  // rating, reviews and provider come from other subgraphs: null while one cannot answer.
  const maxBucket = Math.max(1, ...(a.rating?.histogram ?? []).map((b) => b.count));
  const reviews = a.reviews;
  return (
    <article className="agent" aria-labelledby="agent-name">
      <header>
        <h1 id="agent-name">{a.name}</h1>
        <p className="by">
          by {a.provider?.name ?? 'a publisher (unavailable right now)'} · version {a.version} ·{' '}
          {a.category}
          {a.status !== 'PUBLISHED' && <> · {a.status}</>}
        </p>
        <p className={a.available ? 'ok' : 'warn'}>
          {a.available ? 'Available' : 'Unavailable: its card did not answer at the last check'}
        </p>
        <p>{a.description}</p>
      </header>
      <div className="columns">
        <div>
          <section aria-labelledby="skills">
            <h2 id="skills">Skills</h2>
            {a.skills.length === 0 && <Empty>The card lists no skills.</Empty>}
            <ul>
              {a.skills.map((s) => (
                <li key={s.id}>
                  <strong>{s.name}</strong>
                  {s.description && <> — {s.description}</>}
                  {s.examples.length > 0 && (
                    <ul className="examples" aria-label={`Examples for ${s.name}`}>
                      {s.examples.map((ex) => (
                        <li key={ex}>“{ex}”</li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="caps">
            <h2 id="caps">Capabilities</h2>
            <dl className="facts">
              <dt>Streaming</dt>
              <dd>{a.capabilities.streaming ? 'yes' : 'no'}</dd>
              <dt>Push notifications</dt>
              <dd>{a.capabilities.pushNotifications ? 'yes' : 'no'}</dd>
              <dt>State history</dt>
              <dd>{a.capabilities.stateTransitionHistory ? 'yes' : 'no'}</dd>
              <dt>Input</dt>
              <dd>{a.defaultInputModes.join(', ')}</dd>
              <dt>Output</dt>
              <dd>{a.defaultOutputModes.join(', ')}</dd>
              <dt>Tags</dt>
              <dd>{a.tags.join(', ') || '—'}</dd>
            </dl>
          </section>
          <section aria-labelledby="ratings">
            <h2 id="ratings">
              {a.rating ? (
                <>
                  Rating: {stars(a.rating.average)} ({a.rating.count} review
                  {a.rating.count === 1 ? '' : 's'})
                </>
              ) : (
                'Ratings are unavailable right now'
              )}
            </h2>
            <ul className="histogram" aria-label="Ratings by stars">
              {[...(a.rating?.histogram ?? [])].reverse().map((b) => (
                <li key={b.stars}>
                  <span>{b.stars}★</span>
                  <meter min={0} max={maxBucket} value={b.count} aria-label={`${b.stars} stars`} />
                  <span>{b.count}</span>
                </li>
              ))}
            </ul>
            {!reviews ? (
              <Empty>Reviews are unavailable right now.</Empty>
            ) : reviews.edges.length === 0 ? (
              <Empty>No reviews yet.</Empty>
            ) : (
              <ul className="reviews" aria-label="Reviews">
                <ReviewList page={reviews} />
                {more.map((after, i) => (
                  <MoreReviews
                    key={after}
                    agentId={a.id}
                    after={after}
                    last={i === more.length - 1}
                    onMore={(c) => setMore((m) => [...m, c])}
                  />
                ))}
                {more.length === 0 && reviews.pageInfo.hasNextPage && (
                  <li>
                    <button type="button" onClick={() => setMore([reviews.pageInfo.endCursor!])}>
                      More reviews
                    </button>
                  </li>
                )}
              </ul>
            )}
          </section>
          <KnowledgeGraphSection agentId={a.id} />
        </div>
        <aside>
          {session ? (
            <HireForm
              agentId={a.id}
              price={a.priceCredits}
              available={data.me?.wallet?.available}
            />
          ) : (
            <>
              <p className="price-line">
                Price: <strong>{credits(a.priceCredits)}</strong>
              </p>
              <SignInFirst to="hire this agent" />
            </>
          )}
        </aside>
      </div>
    </article>
  );
}
