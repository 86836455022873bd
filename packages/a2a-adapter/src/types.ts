/*
 * The adapter's own vocabulary. These shapes match the tasks subgraph's GraphQL types
 * (TaskState, Part, FilePart, MessageRole) so a resolver can store them as they are; no type of
 * @a2a-js/sdk appears here.
 */

/** A task's lifecycle state, as the GraphQL enum `TaskState` names it. */
export type TaskState =
  | 'SUBMITTED'
  | 'WORKING'
  | 'INPUT_REQUIRED'
  | 'AUTH_REQUIRED'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELED'
  | 'REJECTED';

export type PartKind = 'TEXT' | 'DATA' | 'FILE';

/** A file, by URI or inline. */
export interface FileContent {
  name?: string;
  mimeType?: string;
  uri?: string;
  /** The content, base64-encoded. */
  bytes?: string;
}

/** One part of a message or artifact: `text` for TEXT, `data` for DATA, `file` for FILE. */
export interface Part {
  kind: PartKind;
  text?: string;
  data?: unknown;
  file?: FileContent;
}

export type MessageRole = 'USER' | 'AGENT';

export interface AgentMessage {
  role: MessageRole;
  messageId: string;
  parts: Part[];
}

export interface AgentArtifact {
  artifactId: string;
  name?: string;
  description?: string;
  parts: Part[];
  /** The parts extend the artifact with the same id instead of replacing it. */
  append: boolean;
  /** This is the artifact's final chunk. */
  lastChunk: boolean;
}

export type AgentEventKind = 'task' | 'status' | 'message' | 'artifact';

/**
 * One thing an agent reported. `task`: a snapshot of the task (its state and status message);
 * `status`: the state changed (with the agent's status message, if any); `message`: a message
 * outside any task (the whole answer: no task follows); `artifact`: an artifact or a chunk of one.
 */
export interface AgentEvent {
  kind: AgentEventKind;
  /** The agent's id for the task; empty for a `message` that the agent sent without a task. */
  remoteTaskId: string;
  contextId: string;
  state?: TaskState;
  message?: AgentMessage;
  artifact?: AgentArtifact;
  /** On a `task` snapshot: the artifacts as the agent has them at that moment (whole). */
  artifacts?: AgentArtifact[];
}

/** A task as the agent reports it from `GetTask` or `CancelTask`. */
export interface RemoteTask {
  remoteTaskId: string;
  contextId: string;
  state?: TaskState;
  /** The message of the current status, e.g. the question of an INPUT_REQUIRED task. */
  statusMessage?: AgentMessage;
  /** The messages the agent kept, oldest first (agents may keep none). */
  history: AgentMessage[];
  artifacts: AgentArtifact[];
}

/** What to send to an agent; at least one of text, data or files. */
export interface SendInput {
  text?: string;
  data?: unknown;
  files?: FileContent[];
}
