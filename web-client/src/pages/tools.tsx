import { useState } from 'react';
import { Link } from 'wouter';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { CallToolMutation } from '../gql/graphql';
import { SchemaForm } from '../components/schema-form';
import { Empty, ErrorNotice, Loading } from '../components/status';
import { credits, formatDate } from '../format';
import { useSession } from '../session';

const ToolServersQuery = graphql(`
  query ToolServers {
    toolServers(first: 100) {
      totalCount
      edges {
        node {
          id
          name
          status
          public
          serverName
          owner {
            id
            name
          }
          tools {
            name
          }
        }
      }
    }
  }
`);

const ToolServerQuery = graphql(`
  query ToolServerPage($id: ID!) {
    toolServer(id: $id) {
      id
      name
      url
      status
      public
      priceCredits
      serverName
      serverVersion
      instructions
      lastSeenAt
      owner {
        id
        name
      }
      tools {
        id
        name
        title
        description
        inputSchema
        priceCredits
      }
      grants {
        user {
          id
          name
        }
        tools
        createdAt
      }
    }
  }
`);

const CallToolMutationDoc = graphql(`
  mutation CallTool($serverId: ID!, $name: String!, $arguments: JSON) {
    callTool(serverId: $serverId, name: $name, arguments: $arguments) {
      invocationId
      isError
      durationMs
      costCredits
      structuredContent
      content {
        kind
        text
        mimeType
        uri
        name
      }
    }
  }
`);

const GrantMutation = graphql(`
  mutation GrantToolAccess($serverId: ID!, $userId: ID!, $tools: [String!]) {
    grantToolAccess(serverId: $serverId, userId: $userId, tools: $tools) {
      id
    }
  }
`);

const RevokeGrantMutation = graphql(`
  mutation RevokeToolAccess($serverId: ID!, $userId: ID!) {
    revokeToolAccess(serverId: $serverId, userId: $userId) {
      id
    }
  }
`);

const SetPublicMutation = graphql(`
  mutation SetToolServerPublic($id: ID!, $public: Boolean!) {
    updateToolServer(id: $id, input: { public: $public }) {
      id
      public
    }
  }
`);

export function ToolServersPage() {
  const [{ data, fetching, error }] = useQuery({ query: ToolServersQuery });
  return (
    <section aria-labelledby="tools-title">
      <h1 id="tools-title">Tool servers</h1>
      <p>MCP servers you own, public ones, and ones shared with you.</p>
      <ErrorNotice error={error} />
      {!data && fetching && <Loading />}
      {data?.toolServers?.totalCount === 0 && <Empty>No tool servers yet.</Empty>}
      <ul>
        {data?.toolServers?.edges.map(({ node: s }) => (
          <li key={s.id}>
            <Link href={`/tools/${s.id}`}>{s.name}</Link> · by{' '}
            {s.owner?.name ?? 'an owner (unavailable right now)'} · {s.status} ·{' '}
            {s.public ? 'public' : 'private'} · {s.tools.length} tools
          </li>
        ))}
      </ul>
    </section>
  );
}

function ToolResult({ result }: { result: CallToolMutation['callTool'] }) {
  return (
    <div className={`notice ${result.isError ? 'error' : 'ok'}`} role="status">
      <p>
        {result.isError ? 'The tool reported an error' : 'Result'} · {result.durationMs} ms ·{' '}
        {credits(result.costCredits)}
      </p>
      {result.content.map((c, i) =>
        c.kind === 'TEXT' ? (
          <pre key={i} className="part-text">
            {c.text}
          </pre>
        ) : (
          <p key={i}>
            {c.kind} {c.name ?? ''} {c.mimeType ?? ''} {c.uri ?? ''}
          </p>
        ),
      )}
      {result.structuredContent != null && (
        <pre className="part-data">{JSON.stringify(result.structuredContent, null, 2)}</pre>
      )}
    </div>
  );
}

function TryTool({
  serverId,
  tool,
}: {
  serverId: string;
  tool: { name: string; inputSchema: unknown };
}) {
  const [{ data, fetching, error }, call] = useMutation(CallToolMutationDoc);
  return (
    <div className="try">
      <SchemaForm
        schema={tool.inputSchema}
        submitLabel="Call tool"
        busy={fetching}
        onSubmit={(args) => void call({ serverId, name: tool.name, arguments: args })}
      />
      <ErrorNotice error={error} />
      {data && <ToolResult result={data.callTool} />}
    </div>
  );
}

function Grants({
  serverId,
  grants,
  onChange,
}: {
  serverId: string;
  grants: readonly {
    // Null while the users subgraph cannot answer.
    user: { id: string; name: string } | null;
    tools?: readonly string[] | null;
    createdAt: string;
  }[];
  onChange: () => void;
}) {
  const [userId, setUserId] = useState('');
  const [tools, setTools] = useState('');
  const [granted, grant] = useMutation(GrantMutation);
  const [revoked, revoke] = useMutation(RevokeGrantMutation);
  return (
    <section aria-labelledby="grants">
      <h2 id="grants">Who may call its tools</h2>
      {grants.length === 0 && <Empty>Nobody besides you (unless the server is public).</Empty>}
      <ul>
        {grants.map((g, i) => {
          const user = g.user;
          if (!user) return <li key={i}>A user (unavailable right now)</li>;
          return (
            <li key={user.id}>
              {user.name} · {g.tools ? g.tools.join(', ') : 'every tool'} · since{' '}
              {formatDate(g.createdAt)}{' '}
              <button
                type="button"
                className="danger"
                onClick={async () => {
                  await revoke({ serverId, userId: user.id });
                  onChange();
                }}
              >
                Revoke access
              </button>
            </li>
          );
        })}
      </ul>
      <ErrorNotice error={revoked.error} />
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const list = tools
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean);
          const r = await grant({
            serverId,
            userId: userId.trim(),
            tools: list.length ? list : null,
          });
          if (r.data) {
            setUserId('');
            setTools('');
            onChange();
          }
        }}
      >
        <label>
          User ID
          <input value={userId} onChange={(e) => setUserId(e.target.value)} required />
        </label>
        <label>
          Tools (comma-separated; empty for every tool)
          <input value={tools} onChange={(e) => setTools(e.target.value)} />
        </label>
        <ErrorNotice error={granted.error} />
        <button type="submit" disabled={granted.fetching}>
          Grant access
        </button>
      </form>
    </section>
  );
}

export function ToolServerPage({ id }: { id: string }) {
  const { session } = useSession();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ToolServerQuery,
    variables: { id },
  });
  const [published, setPublic] = useMutation(SetPublicMutation);
  const [trying, setTrying] = useState<string | null>(null);
  if (error) return <ErrorNotice error={error} />;
  if (!data) return fetching ? <Loading /> : null;
  const s = data.toolServer;
  if (!s) return <Empty>There is no tool server here, or you may not use it.</Empty>;
  const mine = s.owner != null && s.owner.id === session?.user.id;
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <article aria-labelledby="server-name">
      <h1 id="server-name">{s.name}</h1>
      <p className="by">
        by {s.owner?.name ?? 'an owner (unavailable right now)'} · {s.status} ·{' '}
        {s.public ? 'public' : 'private'}
        {s.serverName && ` · ${s.serverName} ${s.serverVersion ?? ''}`}
        {s.url && ` · ${s.url}`}
      </p>
      {s.instructions && <p>{s.instructions}</p>}
      {mine && (
        <label className="check">
          <input
            type="checkbox"
            checked={s.public}
            disabled={published.fetching}
            onChange={async (e) => {
              await setPublic({ id: s.id, public: e.target.checked });
              reload();
            }}
          />
          Public: every signed-in user may call its tools
        </label>
      )}
      <ErrorNotice error={published.error} />
      <h2>Tools</h2>
      {s.tools.length === 0 && <Empty>No tools you may call.</Empty>}
      <ul className="tools">
        {s.tools.map((t) => (
          <li key={t.id}>
            <h3>{t.title ?? t.name}</h3>
            <p>
              {t.description} <span className="by">· {credits(t.priceCredits)} per call</span>
            </p>
            {trying === t.name ? (
              <TryTool serverId={s.id} tool={t} />
            ) : (
              <button type="button" onClick={() => setTrying(t.name)} aria-label={`Try ${t.name}`}>
                Try it
              </button>
            )}
          </li>
        ))}
      </ul>
      {mine && <Grants serverId={s.id} grants={s.grants} onChange={reload} />}
    </article>
  );
}
