import { notFound } from '@agentry/core';
import { int, NODE_LABELS, type GraphClient, type NodeLabel } from '../graph/graph.client';
import type { Viewer } from '../recommendations/recommendation.store';
import {
  KnowledgeEdgeKind,
  KnowledgeNodeKind,
  type KnowledgeEdge,
  type KnowledgeGraph,
  type KnowledgeNode,
} from './knowledge-graph.type';

/** Neighbours taken per node and level, and nodes in one picture, whatever the data. */
export const GRAPH_LIMITS = { perNode: 12, nodes: 120 } as const;

const KIND_OF: Partial<Record<NodeLabel, KnowledgeNodeKind>> = {
  Agent: KnowledgeNodeKind.AGENT,
  Skill: KnowledgeNodeKind.SKILL,
  Tag: KnowledgeNodeKind.TAG,
  Category: KnowledgeNodeKind.CATEGORY,
  User: KnowledgeNodeKind.USER,
  ToolServer: KnowledgeNodeKind.TOOL_SERVER,
};

interface Row {
  eid: string;
  labels: string[];
  id: string | null;
  key: string | null;
  name: string | null;
}

/**
 * The graph around an agent, breadth first up to `depth` hops along HAS_SKILL, HAS_TAG,
 * IN_CATEGORY and DELEGATED_TO, through published agents only, at most GRAPH_LIMITS.perNode
 * neighbours per node and GRAPH_LIMITS.nodes in all; then the viewer's own HIRED and REVIEWED
 * edges to the agents shown (nobody else's history). NOT_FOUND for an agent the viewer may not see.
 */
export async function knowledgeGraph(
  graph: GraphClient,
  agentId: string,
  depth: number,
  viewer: Viewer,
): Promise<KnowledgeGraph> {
  const [root] = await graph.read<Row>(
    `MATCH (a:Agent {id: $agentId})
     WHERE a.name IS NOT NULL AND (a.published = true OR a.providerId = $viewer OR $admin)
     RETURN elementId(a) AS eid, labels(a) AS labels, a.id AS id, a.key AS key, a.name AS name`,
    { agentId, viewer: viewer.userId, admin: viewer.admin },
  );
  if (!root) throw notFound('Agent', agentId);

  const toNode = (row: Row, d: number): KnowledgeNode | null => {
    const label = NODE_LABELS.find((l) => row.labels.includes(graph.name(l)));
    const kind = label && KIND_OF[label];
    if (!kind) return null;
    const key = row.id ?? row.key ?? row.eid;
    return {
      id: `${kind.toLowerCase()}:${key}`,
      kind,
      label: row.name ?? key,
      depth: d,
      agent: kind === KnowledgeNodeKind.AGENT && row.id ? { id: row.id } : null,
    };
  };
  const rootNode = toNode(root, 0)!;
  const nodes = new Map<string, KnowledgeNode>([[root.eid, rootNode]]);
  const edges = new Map<
    string,
    { s: string; t: string; kind: KnowledgeEdgeKind; w: number | null }
  >();
  let truncated = false;
  let frontier = [root.eid];

  for (let d = 1; d <= depth && frontier.length; d++) {
    const rows = await graph.read<Row & { s: string; t: string; type: string; w: number | null }>(
      `UNWIND $frontier AS from
       MATCH (n) WHERE elementId(n) = from
       CALL (n) {
         MATCH (n)-[r:HAS_SKILL|HAS_TAG|IN_CATEGORY|DELEGATED_TO]-(m)
         WHERE NOT m:Agent OR m.published = true
         RETURN r, m ORDER BY coalesce(m.hirers, 0) DESC LIMIT $perNode
       }
       RETURN elementId(m) AS eid, labels(m) AS labels, m.id AS id, m.key AS key, m.name AS name,
              elementId(startNode(r)) AS s, elementId(endNode(r)) AS t, type(r) AS type,
              r.count AS w`,
      { frontier, perNode: int(GRAPH_LIMITS.perNode) },
    );
    const next: string[] = [];
    for (const row of rows) {
      if (!nodes.has(row.eid)) {
        if (nodes.size >= GRAPH_LIMITS.nodes) {
          truncated = true;
          continue;
        }
        const node = toNode(row, d);
        if (!node) continue;
        nodes.set(row.eid, node);
        next.push(row.eid);
      }
      const kind = edgeKind(graph, row.type);
      if (kind && nodes.has(row.s) && nodes.has(row.t))
        edges.set(`${row.s}|${row.t}|${kind}`, { s: row.s, t: row.t, kind, w: row.w });
    }
    frontier = next;
  }

  if (viewer.userId) {
    const agentEids = [...nodes.entries()]
      .filter(([, n]) => n.kind === KnowledgeNodeKind.AGENT)
      .map(([eid]) => eid);
    const own = await graph.read<{ me: string; a: string; type: string; w: number | null }>(
      `MATCH (me:User {id: $viewer})-[r:HIRED|REVIEWED]->(a:Agent)
       WHERE elementId(a) IN $agentEids
       RETURN elementId(me) AS me, elementId(a) AS a, type(r) AS type,
              coalesce(r.count, r.rating) AS w`,
      { viewer: viewer.userId, agentEids },
    );
    for (const row of own) {
      if (!nodes.has(row.me))
        nodes.set(row.me, {
          id: `user:${viewer.userId}`,
          kind: KnowledgeNodeKind.USER,
          label: 'You',
          depth: 1 + Math.min(...own.map((o) => nodes.get(o.a)?.depth ?? 0)),
          agent: null,
        });
      const kind = edgeKind(graph, row.type);
      if (kind) edges.set(`${row.me}|${row.a}|${kind}`, { s: row.me, t: row.a, kind, w: row.w });
    }
  }

  const out: KnowledgeEdge[] = [...edges.values()].map((e) => ({
    source: nodes.get(e.s)!.id,
    target: nodes.get(e.t)!.id,
    kind: e.kind,
    weight: e.w,
  }));
  return { root: rootNode.id, nodes: [...nodes.values()], edges: out, truncated };
}

function edgeKind(graph: GraphClient, type: string): KnowledgeEdgeKind | undefined {
  const plain = type.startsWith(graph.settings.prefix)
    ? type.slice(graph.settings.prefix.length)
    : type;
  return (Object.values(KnowledgeEdgeKind) as string[]).includes(plain)
    ? (plain as KnowledgeEdgeKind)
    : undefined;
}
