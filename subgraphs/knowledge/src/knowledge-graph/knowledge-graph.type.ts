import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AgentStub } from '../federated/agent/agent.stub';

export enum KnowledgeNodeKind {
  AGENT = 'AGENT',
  SKILL = 'SKILL',
  TAG = 'TAG',
  CATEGORY = 'CATEGORY',
  USER = 'USER',
  TOOL_SERVER = 'TOOL_SERVER',
}
registerEnumType(KnowledgeNodeKind, {
  name: 'KnowledgeNodeKind',
  description: 'What a node of the knowledge graph stands for.',
});

export enum KnowledgeEdgeKind {
  HAS_SKILL = 'HAS_SKILL',
  HAS_TAG = 'HAS_TAG',
  IN_CATEGORY = 'IN_CATEGORY',
  HIRED = 'HIRED',
  REVIEWED = 'REVIEWED',
  USES_TOOL = 'USES_TOOL',
  DELEGATED_TO = 'DELEGATED_TO',
}
registerEnumType(KnowledgeEdgeKind, {
  name: 'KnowledgeEdgeKind',
  description: 'How two nodes of the knowledge graph are related.',
});

@ObjectType({ description: 'A node of the knowledge graph around an agent.' })
export class KnowledgeNode {
  @Field(() => ID, { description: 'Stable id, e.g. `agent:<uuid>` or `skill:summarize`.' })
  id!: string;

  @Field(() => KnowledgeNodeKind, { description: 'What the node stands for.' })
  kind!: KnowledgeNodeKind;

  @Field({ description: 'What to write on it (a name; "You" for the signed-in user).' })
  label!: string;

  @Field(() => Int, { description: 'Hops from the agent the graph is drawn around (0: itself).' })
  depth!: number;

  @Field(() => AgentStub, { nullable: true, description: 'The agent, for AGENT nodes.' })
  agent?: AgentStub | null;
}

@ObjectType({ description: 'A relationship between two nodes of the knowledge graph.' })
export class KnowledgeEdge {
  @Field(() => ID, { description: 'The id of the node it starts from.' })
  source!: string;

  @Field(() => ID, { description: 'The id of the node it points to.' })
  target!: string;

  @Field(() => KnowledgeEdgeKind, { description: 'How the two are related.' })
  kind!: KnowledgeEdgeKind;

  @Field(() => Float, {
    nullable: true,
    description: 'Tasks for HIRED and DELEGATED_TO, stars for REVIEWED; null otherwise.',
  })
  weight?: number | null;
}

@ObjectType({
  description:
    "The part of the knowledge graph around one agent: published agents, their skills, tags and categories, and only the signed-in user's own hires and reviews.",
})
export class KnowledgeGraph {
  @Field(() => ID, { description: 'The id of the node the graph is drawn around.' })
  root!: string;

  @Field(() => [KnowledgeNode], { description: 'The nodes, the agent itself first.' })
  nodes!: KnowledgeNode[];

  @Field(() => [KnowledgeEdge], { description: 'The relationships between those nodes.' })
  edges!: KnowledgeEdge[];

  @Field({ description: 'True when nodes were left out to keep the graph small.' })
  truncated!: boolean;
}
