import { useState } from 'react';
import { Link } from 'wouter';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { Empty, ErrorNotice, Loading } from '../components/status';
import { credits, formatDate } from '../format';

const WalletQuery = graphql(`
  query WalletPage($after: String) {
    me {
      id
      wallet {
        balance
        held
        available
        entries(first: 20, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              id
              kind
              amount
              balanceAfter
              heldAfter
              taskId
              reason
              createdAt
            }
          }
        }
      }
    }
  }
`);

function Entries({
  after,
  onMore,
  withTotals,
}: {
  after: string | null;
  onMore: (c: string) => void;
  withTotals: boolean;
}) {
  const [{ data, fetching, error }] = useQuery({
    query: WalletQuery,
    variables: { after },
    requestPolicy: 'cache-and-network',
  });
  if (error) return <ErrorNotice error={error} />;
  if (!data) return fetching ? <Loading label="Loading your wallet…" /> : null;
  const w = data.me?.wallet;
  if (!w) return <Empty>Sign in to see your wallet.</Empty>;
  return (
    <>
      {withTotals && (
        <dl className="totals" aria-label="Wallet">
          <div>
            <dt>Balance</dt>
            <dd data-testid="wallet-balance">{credits(w.balance)}</dd>
          </div>
          <div>
            <dt>Held</dt>
            <dd data-testid="wallet-held">{credits(w.held)}</dd>
          </div>
          <div>
            <dt>Available</dt>
            <dd data-testid="wallet-available">{credits(w.available)}</dd>
          </div>
        </dl>
      )}
      {withTotals && <h2>Ledger</h2>}
      {w.entries.totalCount === 0 && <Empty>No ledger entries yet.</Empty>}
      <ul className="ledger" aria-label={withTotals ? 'Ledger entries' : undefined}>
        {w.entries.edges.map(({ node: e }) => (
          <li key={e.id}>
            <span className={`kind kind-${e.kind}`}>{e.kind}</span>{' '}
            <strong>{credits(e.amount)}</strong>
            {e.reason && <> · {e.reason}</>}
            {e.taskId && (
              <>
                {' '}
                · <Link href={`/tasks/${e.taskId}`}>task</Link>
              </>
            )}
            <span className="by">
              {' '}
              · balance {e.balanceAfter}, held {e.heldAfter} · {formatDate(e.createdAt)}
            </span>
          </li>
        ))}
      </ul>
      {w.entries.pageInfo.hasNextPage && (
        <NextButton cursor={w.entries.pageInfo.endCursor!} onMore={onMore} />
      )}
    </>
  );
}

function NextButton({ cursor, onMore }: { cursor: string; onMore: (c: string) => void }) {
  const [clicked, setClicked] = useState(false);
  if (clicked) return null;
  return (
    <button
      type="button"
      onClick={() => {
        setClicked(true);
        onMore(cursor);
      }}
    >
      Load more
    </button>
  );
}

export function WalletPage() {
  const [pages, setPages] = useState<string[]>([]);
  return (
    <section aria-labelledby="wallet-title">
      <h1 id="wallet-title">Wallet</h1>
      <Entries after={null} withTotals onMore={(c) => setPages([c])} />
      {pages.map((after) => (
        <Entries
          key={after}
          after={after}
          withTotals={false}
          onMore={(c) => setPages((p) => [...p, c])}
        />
      ))}
    </section>
  );
}
