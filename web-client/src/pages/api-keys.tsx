import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import { Empty, ErrorNotice, Loading } from '../components/status';
import { formatDate } from '../format';

const ApiKeysQuery = graphql(`
  query ApiKeys {
    me {
      id
      apiKeys {
        id
        name
        prefix
        scopes
        createdAt
        lastUsedAt
        revokedAt
      }
    }
  }
`);

const CreateKeyMutation = graphql(`
  mutation CreateKey($name: String!, $scopes: [String!]!) {
    createApiKey(name: $name, scopes: $scopes) {
      secret
      apiKey {
        id
        name
        prefix
        scopes
        createdAt
        lastUsedAt
        revokedAt
      }
    }
  }
`);

const RevokeKeyMutation = graphql(`
  mutation RevokeKey($id: ID!) {
    revokeApiKey(id: $id)
  }
`);

/** The scopes the API knows (createApiKey's documentation), with what each allows. */
const SCOPES: [string, string][] = [
  ['agents:read', 'read the catalogue'],
  ['agents:write', 'publish and edit agents'],
  ['tasks:read', 'read tasks'],
  ['tasks:write', 'hire agents, reply, cancel'],
  ['reviews:write', 'write reviews'],
  ['billing:read', 'read the wallet'],
  ['tools:call', 'call MCP tools'],
];

function Secret({ secret }: { secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice ok secret" role="status">
      <p>Your new key — copy it now, it is shown only once:</p>
      <code data-testid="api-key-secret">{secret}</code>{' '}
      <button
        type="button"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(secret);
            setCopied(true);
          } catch {
            setCopied(false);
          }
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

export function ApiKeysPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: ApiKeysQuery });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['agents:read', 'tasks:read']);
  const [created, create] = useMutation(CreateKeyMutation);
  const [revoked, revoke] = useMutation(RevokeKeyMutation);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <p>Keys let your own programs use Agentry as you, limited to the scopes you choose.</p>
      {data?.me && (
        <p className="by">
          Your user ID (a publisher needs it to share a tool server with you):{' '}
          <code data-testid="user-id">{data.me.id}</code>
        </p>
      )}
      <form
        className="create-key"
        onSubmit={async (e) => {
          e.preventDefault();
          setSecret(null);
          const r = await create({ name: name.trim(), scopes });
          if (r.data) {
            setSecret(r.data.createApiKey.secret);
            setName('');
            refetch({ requestPolicy: 'network-only' });
          }
        }}
      >
        <label>
          Key name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map(([scope, what]) => (
            <label key={scope} className="check">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes((s) =>
                    e.target.checked ? [...s, scope] : s.filter((x) => x !== scope),
                  )
                }
              />
              {scope} <span className="by">({what})</span>
            </label>
          ))}
        </fieldset>
        <ErrorNotice error={created.error} />
        <button type="submit" disabled={created.fetching}>
          Create key
        </button>
      </form>
      {secret && <Secret secret={secret} />}
      <h2>Your keys</h2>
      <ErrorNotice error={error ?? revoked.error} />
      {!data && fetching && <Loading label="Loading your keys…" />}
      {data?.me && data.me.apiKeys.length === 0 && <Empty>No keys yet.</Empty>}
      {data?.me && data.me.apiKeys.length > 0 && (
        <table className="list" aria-label="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Scopes</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {data.me.apiKeys.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}</code>
                </td>
                <td>{k.scopes.join(', ')}</td>
                <td>{k.lastUsedAt ? formatDate(k.lastUsedAt) : 'never'}</td>
                <td>
                  {k.revokedAt ? (
                    `Revoked ${formatDate(k.revokedAt)}`
                  ) : (
                    <button
                      type="button"
                      className="danger"
                      aria-label="Revoke"
                      aria-describedby={`key-${k.id}`}
                      disabled={revoked.fetching}
                      onClick={async () => {
                        await revoke({ id: k.id });
                        refetch({ requestPolicy: 'network-only' });
                      }}
                    >
                      Revoke
                    </button>
                  )}
                  <span id={`key-${k.id}`} hidden>
                    {k.name}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
