import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { AgentSort } from '../gql/graphql';
import { Empty, ErrorNotice, Loading } from '../components/status';
import { credits, stars } from '../format';

/** One page of the catalogue, with the filter facets on the first page: one request. */
const MarketplaceQuery = graphql(`
  query Marketplace(
    $search: String
    $category: String
    $tag: String
    $sort: AgentSort
    $first: Int
    $after: String
    $withFacets: Boolean!
  ) {
    agents(
      search: $search
      category: $category
      tag: $tag
      sort: $sort
      first: $first
      after: $after
    ) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          slug
          name
          description
          category
          tags
          priceCredits
          available
          provider {
            name
          }
          rating {
            average
            count
          }
        }
      }
    }
    agentFacets @include(if: $withFacets) {
      categories {
        value
        count
      }
      tags {
        value
        count
      }
    }
  }
`);

// Fifty cards a page: one request, still well under the first-render budget (docs/BENCHMARKS.md).
const PAGE_SIZE = 50;

const SORTS: { value: AgentSort; label: string }[] = [
  { value: 'RELEVANCE', label: 'Best match' },
  { value: 'NEWEST', label: 'Newest' },
  { value: 'RATING', label: 'Rating' },
  { value: 'PRICE_LOW', label: 'Price: low to high' },
  { value: 'PRICE_HIGH', label: 'Price: high to low' },
];

interface Filters {
  search: string;
  category: string;
  tag: string;
  sort: AgentSort;
}

/** A page of results after `after`; the last one offers "Load more". */
function ResultsPage({
  filters,
  after,
  last,
  onMore,
}: {
  filters: Filters;
  after: string | null;
  last: boolean;
  onMore: (cursor: string) => void;
}) {
  const [{ data, fetching, error }] = useQuery({
    query: MarketplaceQuery,
    variables: {
      search: filters.search || null,
      category: filters.category || null,
      tag: filters.tag || null,
      sort: filters.sort,
      first: PAGE_SIZE,
      after,
      withFacets: false,
    },
  });
  if (error) return <ErrorNotice error={error} />;
  const page = data?.agents;
  if (!page) return fetching ? <Loading label="Loading more agents…" /> : null;
  return (
    <>
      <AgentCards agents={page.edges.map((e) => e.node)} />
      {last && page.pageInfo.hasNextPage && (
        <button type="button" onClick={() => onMore(page.pageInfo.endCursor!)}>
          Load more
        </button>
      )}
    </>
  );
}

type Card = {
  id: string;
  slug: string;
  name: string;
  description: string;
  category: string;
  tags: readonly string[];
  priceCredits: number;
  available: boolean;
  // Null when the subgraph answering it is down: the rest of the card still shows.
  provider: { name: string } | null;
  rating: { average?: number | null; count: number } | null;
};

function AgentCards({ agents }: { agents: readonly Card[] }) {
  return (
    <ul className="cards" aria-label="Agents">
      {agents.map((a) => (
        <li key={a.id} className="card">
          <h3>
            <Link href={`/agents/${a.slug}`}>{a.name}</Link>
          </h3>
          <p className="by">by {a.provider?.name ?? 'a publisher (unavailable right now)'}</p>
          <p className="desc">{a.description}</p>
          <p className="meta">
            <span className="price">{credits(a.priceCredits)}</span>
            <span className="rating" aria-label={`Rating ${stars(a.rating?.average)}`}>
              ★ {a.rating?.average == null ? '—' : a.rating.average.toFixed(1)} (
              {a.rating?.count ?? '—'})
            </span>
            <span className={a.available ? 'ok' : 'warn'}>
              {a.available ? 'Available' : 'Unavailable'}
            </span>
          </p>
          <p className="tags">
            <span className="chip">{a.category}</span>
            {a.tags.slice(0, 4).map((t) => (
              <span key={t} className="chip tag">
                #{t}
              </span>
            ))}
          </p>
        </li>
      ))}
    </ul>
  );
}

export function MarketplacePage() {
  const [params, setParams] = useSearchParams();
  const filters: Filters = {
    search: params.get('q') ?? '',
    category: params.get('category') ?? '',
    tag: params.get('tag') ?? '',
    sort: (params.get('sort') as AgentSort) || (params.get('q') ? 'RELEVANCE' : 'NEWEST'),
  };
  const [searchText, setSearchText] = useState(filters.search);
  const [more, setMore] = useState<string[]>([]);
  const filterKey = JSON.stringify(filters);
  useEffect(() => setMore([]), [filterKey]);

  const [{ data, fetching, error }] = useQuery({
    query: MarketplaceQuery,
    variables: {
      search: filters.search || null,
      category: filters.category || null,
      tag: filters.tag || null,
      sort: filters.sort,
      first: PAGE_SIZE,
      after: null,
      withFacets: true,
    },
  });
  // Null (with an error) while the agents subgraph cannot answer.
  const agents = data?.agents;

  // When the first page of agents is on screen (read by the browser test and bench/web-client.ts).
  const rendered = !!data;
  useEffect(() => {
    if (rendered && !performance.getEntriesByName('agentry:marketplace-rendered').length)
      performance.mark('agentry:marketplace-rendered');
  }, [rendered]);

  const update = (patch: Partial<Record<'q' | 'category' | 'tag' | 'sort', string>>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };

  return (
    <section aria-labelledby="marketplace-title">
      <h1 id="marketplace-title">Marketplace</h1>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          update({ q: searchText.trim(), sort: '' });
        }}
      >
        <label>
          Search
          <input
            type="search"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            placeholder="research, sql, code review…"
            maxLength={200}
          />
        </label>
        <button type="submit">Search</button>
        <label>
          Category
          <select value={filters.category} onChange={(e) => update({ category: e.target.value })}>
            <option value="">All categories</option>
            {data?.agentFacets?.categories.map((c) => (
              <option key={c.value} value={c.value}>
                {c.value} ({c.count})
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag
          <select value={filters.tag} onChange={(e) => update({ tag: e.target.value })}>
            <option value="">All tags</option>
            {data?.agentFacets?.tags.map((t) => (
              <option key={t.value} value={t.value}>
                {t.value} ({t.count})
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort by
          <select value={filters.sort} onChange={(e) => update({ sort: e.target.value })}>
            {SORTS.filter((s) => s.value !== 'RELEVANCE' || filters.search).map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNotice error={error} />
      {!data && fetching && <Loading label="Loading agents…" />}
      {agents && (
        <>
          <p className="count" role="status">
            {agents.totalCount} agent{agents.totalCount === 1 ? '' : 's'}
          </p>
          {agents.edges.length === 0 ? (
            <Empty>No agent matches. Try other words or clear the filters.</Empty>
          ) : (
            <AgentCards agents={agents.edges.map((e) => e.node)} />
          )}
          {more.map((after, i) => (
            <ResultsPage
              key={after}
              filters={filters}
              after={after}
              last={i === more.length - 1}
              onMore={(c) => setMore((m) => [...m, c])}
            />
          ))}
          {more.length === 0 && agents.pageInfo.hasNextPage && (
            <button type="button" onClick={() => setMore([agents.pageInfo.endCursor!])}>
              Load more
            </button>
          )}
        </>
      )}
    </section>
  );
}
