import { useState } from 'react';
import { Link } from 'wouter';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { Empty, ErrorNotice, Loading } from '../components/status';

/** The graph around an agent and the agents most like it (asked for on demand, not on load). */
const KnowledgeGraphQuery = graphql(`
  query AgentKnowledgeGraph($agentId: ID!, $depth: Int) {
    knowledgeGraph(agentId: $agentId, depth: $depth) {
      root
      truncated
      nodes {
        id
        kind
        label
        depth
        agent {
          id
          slug
        }
      }
      edges {
        source
        target
        kind
        weight
      }
    }
    agent(id: $agentId) {
      id
      similarAgents(first: 5) {
        score
        reasons
        agent {
          id
          slug
          name
        }
      }
    }
  }
`);

const SIZE = 460;
const COLORS: Record<string, string> = {
  AGENT: '#3b6fd8',
  SKILL: '#2f9e6b',
  TAG: '#c98a12',
  CATEGORY: '#8a4fc7',
  USER: '#d0453f',
  TOOL_SERVER: '#56707f',
};

/**
 * Places the nodes on rings by their distance from the agent (no layout library): the agent in the
 * middle, each ring's nodes spread evenly, kinds kept together.
 */
function layout(nodes: { id: string; kind: string; depth: number }[]) {
  const rings = new Map<number, { id: string; kind: string }[]>();
  for (const n of nodes) rings.set(n.depth, [...(rings.get(n.depth) ?? []), n]);
  const maxDepth = Math.max(1, ...rings.keys());
  const pos = new Map<string, { x: number; y: number }>();
  const c = SIZE / 2;
  for (const [depth, ring] of rings) {
    const r = depth === 0 ? 0 : ((SIZE / 2 - 40) * depth) / maxDepth;
    const sorted = [...ring].sort((a, b) => a.kind.localeCompare(b.kind));
    sorted.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / sorted.length + depth * 0.4;
      pos.set(n.id, { x: c + r * Math.cos(angle), y: c + r * Math.sin(angle) });
    });
  }
  return pos;
}

function GraphPicture({ agentId }: { agentId: string }) {
  const [{ data, fetching, error }] = useQuery({
    query: KnowledgeGraphQuery,
    variables: { agentId, depth: 2 },
  });
  if (fetching && !data) return <Loading label="Loading the knowledge graph…" />;
  const graph = data?.knowledgeGraph;
  const similar = data?.agent?.similarAgents ?? [];
  if (!graph) return <ErrorNotice error={error} />;
  const pos = layout(graph.nodes);
  return (
    <>
      <svg
        className="knowledge-graph"
        viewBox={`0 0 ${SIZE} ${SIZE}`}
        role="img"
        aria-label={`Knowledge graph: ${graph.nodes.length} nodes, ${graph.edges.length} links`}
      >
        {graph.edges.map((e) => {
          const a = pos.get(e.source);
          const b = pos.get(e.target);
          if (!a || !b) return null;
          return (
            <line
              key={`${e.source}-${e.target}-${e.kind}`}
              x1={a.x}
              y1={a.y}
              x2={b.x}
              y2={b.y}
              stroke="#9aa5b1"
              strokeWidth={e.kind === 'HIRED' || e.kind === 'DELEGATED_TO' ? 2 : 1}
            >
              <title>{e.kind}</title>
            </line>
          );
        })}
        {graph.nodes.map((n) => {
          const p = pos.get(n.id)!;
          const r = n.depth === 0 ? 10 : n.kind === 'AGENT' ? 7 : 5;
          return (
            <g key={n.id} transform={`translate(${p.x},${p.y})`}>
              <circle r={r} fill={COLORS[n.kind] ?? '#777'}>
                <title>{`${n.kind.toLowerCase().replace('_', ' ')}: ${n.label}`}</title>
              </circle>
              <text x={r + 3} y={4} fontSize={n.depth === 0 ? 13 : 10}>
                {n.label.length > 22 ? `${n.label.slice(0, 21)}…` : n.label}
              </text>
            </g>
          );
        })}
      </svg>
      <p className="legend">
        {Object.entries(COLORS).map(([kind, color]) => (
          <span key={kind}>
            <span className="dot" style={{ background: color }} />{' '}
            {kind.toLowerCase().replace('_', ' ')}
          </span>
        ))}
        {graph.truncated && <span> · some nodes left out</span>}
      </p>
      <h3>Similar agents</h3>
      {similar.length === 0 ? (
        <Empty>No similar agents yet.</Empty>
      ) : (
        <ul aria-label="Similar agents">
          {similar.map((s) => (
            <li key={s.agent.id}>
              <Link href={`/agents/${s.agent.slug}`}>{s.agent.name}</Link> — {s.reasons.join('; ')}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** An agent page section: the knowledge graph around the agent, drawn once asked for. */
export function KnowledgeGraphSection({ agentId }: { agentId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <section aria-labelledby="knowledge">
      <h2 id="knowledge">Related agents and skills</h2>
      {open ? (
        <GraphPicture agentId={agentId} />
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          Show knowledge graph
        </button>
      )}
    </section>
  );
}
