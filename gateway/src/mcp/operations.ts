/** The GraphQL operations behind the MCP tools (see docs/API.md for the fields). */

const TASK_FIELDS = `
  id state error cost
  messages { role text }
  artifacts { artifactId name parts { kind text data } }
`;

const AGENT_SUMMARY = `
  id slug name description priceCredits category tags available
  rating { average count }
  provider { name }
`;

export const SEARCH_AGENTS = `
  query McpSearchAgents(
    $search: String
    $category: String
    $tag: String
    $first: Int
    $includeUnavailable: Boolean
  ) {
    agents(
      search: $search
      category: $category
      tag: $tag
      first: $first
      includeUnavailable: $includeUnavailable
    ) {
      totalCount
      edges { node { ${AGENT_SUMMARY} } }
    }
  }`;

export const GET_AGENT = `
  query McpGetAgent($id: ID, $slug: String) {
    agent(id: $id, slug: $slug) {
      ${AGENT_SUMMARY}
      url version status defaultInputModes defaultOutputModes
      skills { id name description tags examples }
      capabilities { streaming pushNotifications stateTransitionHistory }
    }
  }`;

export const SEND_TASK = `
  mutation McpSendTask($agentId: ID!, $input: TaskInput!) {
    sendTask(agentId: $agentId, input: $input) { ${TASK_FIELDS} }
  }`;

export const GET_TASK = `
  query McpGetTask($id: ID!) {
    task(id: $id) { ${TASK_FIELDS} }
  }`;

export const REPLY_TO_TASK = `
  mutation McpReplyToTask($taskId: ID!, $input: TaskInput!) {
    replyToTask(taskId: $taskId, input: $input) { ${TASK_FIELDS} }
  }`;

export const CANCEL_TASK = `
  mutation McpCancelTask($taskId: ID!) {
    cancelTask(taskId: $taskId) { ${TASK_FIELDS} }
  }`;

export const CALL_TOOL = `
  mutation McpCallTool($serverId: ID!, $name: String!, $arguments: JSON) {
    callTool(serverId: $serverId, name: $name, arguments: $arguments) {
      isError
      content { kind text data mimeType uri }
      structuredContent
      durationMs
    }
  }`;

export const MY_WALLET = `
  query McpMyWallet {
    me { wallet { balance held available } }
  }`;

// ---- result shapes as the operations select them ----

export interface AgentSummaryData {
  id: string;
  slug: string;
  name: string;
  description: string;
  priceCredits: number;
  category: string;
  tags: string[];
  available: boolean;
  rating: { average: number | null; count: number };
  provider: { name: string } | null;
}

export interface AgentData extends AgentSummaryData {
  url: string;
  version: string;
  status: string;
  defaultInputModes: string[];
  defaultOutputModes: string[];
  skills: { id: string; name: string; description: string; tags: string[]; examples: string[] }[];
  capabilities: { streaming: boolean; pushNotifications: boolean; stateTransitionHistory: boolean };
}

export interface TaskData {
  id: string;
  state: string;
  error: string | null;
  cost: number | null;
  messages: { role: string; text: string }[];
  artifacts: {
    artifactId: string;
    name: string | null;
    parts: { kind: string; text: string | null; data: unknown }[];
  }[];
}

export interface ToolResultData {
  isError: boolean;
  content: {
    kind: string;
    text: string | null;
    data: unknown;
    mimeType: string | null;
    uri: string | null;
  }[];
  structuredContent: unknown;
  durationMs: number | null;
}

export interface WalletData {
  balance: number;
  held: number;
  available: number;
}
