/**
 * The A2A adapter: the only code in Agentry that talks to A2A agents (through @a2a-js/sdk).
 * Cards become {@link AgentCardInfo} for the registry; tasks, messages and artifacts become
 * {@link AgentEvent}s shaped like the tasks subgraph's GraphQL types. Every URL is checked by the
 * SSRF guard and every call has a timeout.
 */
export {
  createA2AClient,
  type A2AClient,
  type A2AClientOptions,
  type CallOptions,
  type ResubscribeOptions,
  type SendOptions,
} from './client';
export {
  agentCardUrl,
  CARD_LIMITS,
  kebabTag,
  parseAgentCard,
  resolveAgentCard,
  type A2AProtocolVersion,
  type AgentCardInfo,
  type AgentSkillInfo,
  type ResolveAgentCardOptions,
} from './card';
export { isInterrupted, isTerminal, TASK_STATES } from './task-state';
export { MAX_AGENT_TEXT, truncate } from './errors';
// Wire-level conversions (their A2A side uses @a2a-js/sdk types): for tests and tooling.
export {
  fromA2AArtifact,
  fromA2AMessage,
  fromA2APart,
  fromA2ARole,
  fromA2ATask,
  fromA2ATaskState,
  fromStreamResponse,
  inputToParts,
  toA2AMessage,
  toA2APart,
  toA2ARole,
  toA2ATaskState,
} from './mapping';
export type {
  AgentArtifact,
  AgentEvent,
  AgentEventKind,
  AgentMessage,
  FileContent,
  MessageRole,
  Part,
  PartKind,
  RemoteTask,
  SendInput,
  TaskState,
} from './types';
