import { useState } from 'react';
import { Link } from 'wouter';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { AgentStatus } from '../gql/graphql';
import { Empty, ErrorNotice, Loading } from '../components/status';
import { credits } from '../format';

/**
 * My agents with usage and revenue, and my tool servers: one request. Revenue is summed from the
 * latest completed tasks; the page sizes keep the operation under the gateway's cost limit
 * (`MAX_OPERATION_COST`, 10,000: each `first` multiplies what it holds).
 */
const REVENUE_TASKS = 25;
const PublisherQuery = graphql(`
  query Publisher {
    me {
      id
      publishedAgents(first: 50) {
        totalCount
        edges {
          node {
            id
            slug
            name
            status
            category
            tags
            priceCredits
            available
            rating {
              average
              count
            }
            tasks(first: 1) {
              totalCount
            }
            completed: tasks(state: COMPLETED, first: 25) {
              totalCount
              edges {
                node {
                  id
                  cost
                }
              }
            }
          }
        }
      }
    }
    toolServers(first: 100) {
      edges {
        node {
          id
          name
          status
          public
          priceCredits
          owner {
            id
          }
          tools {
            name
          }
        }
      }
    }
  }
`);

const PreviewCardQuery = graphql(`
  query PreviewAgentCard($cardUrl: String!) {
    previewAgentCard(cardUrl: $cardUrl) {
      name
      description
      version
      url
      providerName
      defaultInputModes
      defaultOutputModes
      capabilities {
        streaming
        pushNotifications
        stateTransitionHistory
      }
      skills {
        id
        name
        description
        tags
        examples
      }
    }
  }
`);

const RegisterAgentMutation = graphql(`
  mutation RegisterAgent($input: RegisterAgentInput!) {
    registerAgent(input: $input) {
      id
      slug
      name
    }
  }
`);

const UpdateAgentMutation = graphql(`
  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {
    updateAgent(id: $id, input: $input) {
      id
      status
      category
      tags
      priceCredits
    }
  }
`);

const RegisterToolServerMutation = graphql(`
  mutation RegisterToolServer($input: RegisterToolServerInput!) {
    registerToolServer(input: $input) {
      id
      name
    }
  }
`);

const splitTags = (s: string) =>
  s
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);

function RegisterAgent({ onDone }: { onDone: () => void }) {
  const [cardUrl, setCardUrl] = useState('');
  const [asked, setAsked] = useState<string | null>(null);
  const [price, setPrice] = useState('5');
  const [category, setCategory] = useState('');
  const [tags, setTags] = useState('');
  const [preview] = useQuery({
    query: PreviewCardQuery,
    variables: { cardUrl: asked ?? '' },
    pause: !asked,
    requestPolicy: 'network-only',
  });
  const [registered, register] = useMutation(RegisterAgentMutation);
  const card = asked ? preview.data?.previewAgentCard : undefined;
  return (
    <form
      className="register"
      aria-labelledby="register-agent"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!card) {
          setAsked(cardUrl.trim());
          return;
        }
        const r = await register({
          input: {
            cardUrl: asked!,
            priceCredits: Number(price),
            category: category.trim(),
            tags: splitTags(tags),
          },
        });
        if (r.data) {
          setAsked(null);
          setCardUrl('');
          onDone();
        }
      }}
    >
      <h2 id="register-agent">Register an A2A agent</h2>
      <label>
        Card URL
        <input
          type="url"
          value={cardUrl}
          onChange={(e) => {
            setCardUrl(e.target.value);
            setAsked(null);
          }}
          placeholder="https://agent.example.com"
          required
        />
      </label>
      <button type="button" onClick={() => setAsked(cardUrl.trim())} disabled={!cardUrl.trim()}>
        Preview card
      </button>
      {asked && preview.fetching && <Loading label="Reading the card…" />}
      <ErrorNotice error={asked ? preview.error : null} />
      {card && (
        <div className="preview" aria-label="Card preview">
          <h3>{card.name}</h3>
          <p className="by">
            {card.providerName ? `by ${card.providerName} · ` : ''}version {card.version} ·{' '}
            {card.url}
          </p>
          <p>{card.description}</p>
          <p className="by">
            Input {card.defaultInputModes.join(', ')} · output {card.defaultOutputModes.join(', ')}
            {card.capabilities.streaming ? ' · streaming' : ''}
          </p>
          <ul>
            {card.skills.map((s) => (
              <li key={s.id}>
                <strong>{s.name}</strong> {s.description}
              </li>
            ))}
          </ul>
          <label>
            Price (credits)
            <input
              type="number"
              min={0}
              max={1_000_000}
              value={price}
              onChange={(e) => setPrice(e.target.value)}
              required
            />
          </label>
          <label>
            Category
            <input
              value={category}
              onChange={(e) => setCategory(e.target.value)}
              placeholder="research"
              pattern="[a-z0-9]+(-[a-z0-9]+)*"
              required
            />
          </label>
          <label>
            Tags (comma-separated)
            <input value={tags} onChange={(e) => setTags(e.target.value)} />
          </label>
          <ErrorNotice error={registered.error} />
          <button type="submit" disabled={registered.fetching}>
            Register agent
          </button>
        </div>
      )}
    </form>
  );
}

type MyAgent = {
  id: string;
  slug: string;
  name: string;
  status: AgentStatus;
  category: string;
  tags: readonly string[];
  priceCredits: number;
};

function EditAgent({ agent, onDone }: { agent: MyAgent; onDone: () => void }) {
  const [price, setPrice] = useState(String(agent.priceCredits));
  const [category, setCategory] = useState(agent.category);
  const [tags, setTags] = useState(agent.tags.join(', '));
  const [status, setStatus] = useState<AgentStatus>(agent.status);
  const [{ fetching, error }, update] = useMutation(UpdateAgentMutation);
  return (
    <form
      className="edit-agent"
      aria-label={`Edit ${agent.name}`}
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await update({
          id: agent.id,
          input: {
            priceCredits: Number(price),
            category: category.trim(),
            tags: splitTags(tags),
            ...(status !== agent.status ? { status } : {}),
          },
        });
        if (r.data) onDone();
      }}
    >
      <label>
        Price (credits)
        <input type="number" min={0} value={price} onChange={(e) => setPrice(e.target.value)} />
      </label>
      <label>
        Category
        <input value={category} onChange={(e) => setCategory(e.target.value)} />
      </label>
      <label>
        Tags (comma-separated)
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <label>
        Status
        <select value={status} onChange={(e) => setStatus(e.target.value as AgentStatus)}>
          <option value="PUBLISHED">PUBLISHED</option>
          <option value="DRAFT">DRAFT</option>
          {agent.status === 'SUSPENDED' && <option value="SUSPENDED">SUSPENDED</option>}
        </select>
      </label>
      <ErrorNotice error={error} />
      <button type="submit" disabled={fetching}>
        Save changes
      </button>
      <button type="button" className="link" onClick={onDone}>
        Close
      </button>
    </form>
  );
}

function RegisterToolServer({ onDone }: { onDone: () => void }) {
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [isPublic, setPublic] = useState(false);
  const [price, setPrice] = useState('0');
  const [{ fetching, error }, register] = useMutation(RegisterToolServerMutation);
  return (
    <form
      className="register"
      aria-labelledby="register-tools"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await register({
          input: {
            url: url.trim(),
            name: name.trim(),
            public: isPublic,
            priceCredits: Number(price),
          },
        });
        if (r.data) {
          setUrl('');
          setName('');
          onDone();
        }
      }}
    >
      <h2 id="register-tools">Register an MCP tool server</h2>
      <label>
        Server URL
        <input
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://tools.example.com/mcp"
          required
        />
      </label>
      <label>
        Listing name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
      </label>
      <label className="check">
        <input type="checkbox" checked={isPublic} onChange={(e) => setPublic(e.target.checked)} />
        Public (every signed-in user may call its tools)
      </label>
      <label>
        Price per call (credits)
        <input type="number" min={0} value={price} onChange={(e) => setPrice(e.target.value)} />
      </label>
      <ErrorNotice error={error} />
      <button type="submit" disabled={fetching}>
        Register tool server
      </button>
    </form>
  );
}

export function PublisherPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: PublisherQuery });
  const [editing, setEditing] = useState<string | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const me = data?.me;
  const servers = data?.toolServers?.edges.map((e) => e.node).filter((s) => s.owner?.id === me?.id);
  // Null while the agents subgraph cannot answer; tasks, rating: likewise for theirs.
  const published = me?.publishedAgents;
  return (
    <section aria-labelledby="publisher-title">
      <h1 id="publisher-title">Publisher console</h1>
      <ErrorNotice error={error} />
      {!data && fetching && <Loading label="Loading your agents…" />}
      <RegisterAgent onDone={reload} />
      <h2>My agents</h2>
      {me && !published && <Empty>Your agents cannot be listed right now.</Empty>}
      {published && published.totalCount === 0 && (
        <Empty>You have not published an agent yet.</Empty>
      )}
      {published && published.totalCount > 0 && (
        <table className="list" aria-label="My agents">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Status</th>
              <th scope="col">Price</th>
              <th scope="col">Tasks</th>
              <th scope="col">Revenue</th>
              <th scope="col">Rating</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {published.edges.map(({ node: a }) => {
              const revenue = (a.completed?.edges ?? []).reduce(
                (sum, e) => sum + (e.node.cost ?? 0),
                0,
              );
              return (
                <tr key={a.id}>
                  <td>
                    <Link href={`/agents/${a.slug}`}>{a.name}</Link>
                    {!a.available && <span className="warn"> (unavailable)</span>}
                    {editing === a.id && (
                      <EditAgent
                        agent={a}
                        onDone={() => {
                          setEditing(null);
                          reload();
                        }}
                      />
                    )}
                  </td>
                  <td>{a.status}</td>
                  <td>{credits(a.priceCredits)}</td>
                  <td>
                    {a.tasks && a.completed
                      ? `${a.tasks.totalCount} (${a.completed.totalCount} completed)`
                      : '—'}
                  </td>
                  <td>
                    {a.completed ? credits(revenue) : '—'}
                    {a.completed &&
                      a.completed.totalCount > a.completed.edges.length &&
                      ` (last ${REVENUE_TASKS})`}
                  </td>
                  <td>
                    {a.rating?.average == null ? '—' : a.rating.average.toFixed(1)} (
                    {a.rating?.count ?? '—'})
                  </td>
                  <td>
                    <button
                      type="button"
                      onClick={() => setEditing(a.id)}
                      aria-label={`Edit ${a.name}`}
                    >
                      Edit
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <RegisterToolServer onDone={reload} />
      <h2>My tool servers</h2>
      {servers && servers.length === 0 && <Empty>You have not listed an MCP server yet.</Empty>}
      <ul>
        {servers?.map((s) => (
          <li key={s.id}>
            <Link href={`/tools/${s.id}`}>{s.name}</Link> · {s.status} ·{' '}
            {s.public ? 'public' : 'private'} · {s.tools.length} tools
          </li>
        ))}
      </ul>
      <p>
        <Link href="/tools">All tool servers you may use</Link>
      </p>
    </section>
  );
}
