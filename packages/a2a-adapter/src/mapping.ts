import { randomUUID } from 'node:crypto';
import {
  Role,
  TaskState as A2ATaskState,
  type Artifact as A2AArtifact,
  type Message as A2AMessage,
  type Part as A2APart,
  type StreamResponse,
  type Task as A2ATask,
} from '@a2a-js/sdk';
import { badInput } from '@agentry/core';
import type {
  AgentArtifact,
  AgentEvent,
  AgentMessage,
  MessageRole,
  Part,
  RemoteTask,
  SendInput,
  TaskState,
} from './types';

/*
 * Conversions between the adapter's types and the SDK's (A2A v1.0 protobuf-JSON shapes). Pure
 * functions: the client uses them on every event, the tests check them both ways.
 */

const TO_A2A_STATE: Record<TaskState, A2ATaskState> = {
  SUBMITTED: A2ATaskState.TASK_STATE_SUBMITTED,
  WORKING: A2ATaskState.TASK_STATE_WORKING,
  INPUT_REQUIRED: A2ATaskState.TASK_STATE_INPUT_REQUIRED,
  AUTH_REQUIRED: A2ATaskState.TASK_STATE_AUTH_REQUIRED,
  COMPLETED: A2ATaskState.TASK_STATE_COMPLETED,
  FAILED: A2ATaskState.TASK_STATE_FAILED,
  CANCELED: A2ATaskState.TASK_STATE_CANCELED,
  REJECTED: A2ATaskState.TASK_STATE_REJECTED,
};

const FROM_A2A_STATE = new Map<A2ATaskState, TaskState>(
  Object.entries(TO_A2A_STATE).map(([ours, theirs]) => [theirs, ours as TaskState]),
);

export const toA2ATaskState = (state: TaskState): A2ATaskState => TO_A2A_STATE[state];

/** Undefined for UNSPECIFIED and UNRECOGNIZED: the agent did not say a state we know. */
export const fromA2ATaskState = (state: A2ATaskState | undefined): TaskState | undefined =>
  state === undefined ? undefined : FROM_A2A_STATE.get(state);

export const toA2ARole = (role: MessageRole): Role =>
  role === 'USER' ? Role.ROLE_USER : Role.ROLE_AGENT;

// Anything but an explicit USER is the agent speaking: it is the agent's stream.
export const fromA2ARole = (role: Role): MessageRole =>
  role === Role.ROLE_USER ? 'USER' : 'AGENT';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Our part as an A2A part; a part that does not hold what its kind says is BAD_USER_INPUT. */
export function toA2APart(part: Part): A2APart {
  const base = { metadata: undefined, filename: '', mediaType: '' };
  switch (part.kind) {
    case 'TEXT':
      if (typeof part.text !== 'string') throw badInput('A TEXT part needs `text`.');
      return { ...base, content: { $case: 'text', value: part.text }, mediaType: 'text/plain' };
    case 'DATA':
      if (part.data === undefined) throw badInput('A DATA part needs `data`.');
      return {
        ...base,
        content: { $case: 'data', value: part.data },
        mediaType: 'application/json',
      };
    case 'FILE': {
      const file = part.file;
      if (!file || (file.uri === undefined) === (file.bytes === undefined)) {
        throw badInput('A FILE part needs exactly one of `file.uri` or `file.bytes`.');
      }
      const named = { ...base, filename: file.name ?? '', mediaType: file.mimeType ?? '' };
      if (file.uri !== undefined) return { ...named, content: { $case: 'url', value: file.uri } };
      const bytes = file.bytes ?? '';
      if (!BASE64.test(bytes)) throw badInput('`file.bytes` must be base64.');
      return { ...named, content: { $case: 'raw', value: Buffer.from(bytes, 'base64') } };
    }
    default:
      throw badInput(`Unknown part kind ${String((part as { kind: unknown }).kind)}.`);
  }
}

/** An A2A part as ours; undefined for a part with no content (nothing to keep). */
export function fromA2APart(part: A2APart): Part | undefined {
  const content = part.content;
  if (!content) return undefined;
  const file = () => ({
    ...(part.filename ? { name: part.filename } : {}),
    ...(part.mediaType ? { mimeType: part.mediaType } : {}),
  });
  switch (content.$case) {
    case 'text':
      return { kind: 'TEXT', text: content.value };
    case 'data':
      // A JSON null is still data; only a missing value is not.
      return { kind: 'DATA', data: content.value ?? null };
    case 'url':
      return { kind: 'FILE', file: { ...file(), uri: content.value } };
    case 'raw':
      return {
        kind: 'FILE',
        file: { ...file(), bytes: Buffer.from(content.value).toString('base64') },
      };
  }
}

export const fromA2AParts = (parts: readonly A2APart[]): Part[] =>
  parts.flatMap((p) => fromA2APart(p) ?? []);

/** The parts of a message to send: text first, then data, then files. */
export function inputToParts(input: SendInput): Part[] {
  const parts: Part[] = [];
  if (input.text !== undefined && input.text !== '') parts.push({ kind: 'TEXT', text: input.text });
  if (input.data !== undefined) parts.push({ kind: 'DATA', data: input.data });
  for (const file of input.files ?? []) parts.push({ kind: 'FILE', file });
  if (parts.length === 0) throw badInput('Send some text, data or files: the message is empty.');
  return parts;
}

/** A USER message for the agent; `taskId` continues a task that waits for input. */
export function toA2AMessage(
  parts: Part[],
  ids: { contextId?: string; taskId?: string; messageId?: string } = {},
): A2AMessage {
  return {
    messageId: ids.messageId ?? randomUUID(),
    contextId: ids.contextId ?? '',
    taskId: ids.taskId ?? '',
    role: Role.ROLE_USER,
    parts: parts.map(toA2APart),
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

export const fromA2AMessage = (m: A2AMessage): AgentMessage => ({
  role: fromA2ARole(m.role),
  messageId: m.messageId,
  parts: fromA2AParts(m.parts ?? []),
});

export function fromA2AArtifact(
  a: A2AArtifact,
  chunk: { append: boolean; lastChunk: boolean } = { append: false, lastChunk: true },
): AgentArtifact {
  return {
    artifactId: a.artifactId,
    ...(a.name ? { name: a.name } : {}),
    ...(a.description ? { description: a.description } : {}),
    parts: fromA2AParts(a.parts ?? []),
    append: chunk.append,
    lastChunk: chunk.lastChunk,
  };
}

export function fromA2ATask(t: A2ATask): RemoteTask {
  const statusMessage = t.status?.message;
  return {
    remoteTaskId: t.id,
    contextId: t.contextId,
    state: fromA2ATaskState(t.status?.state),
    ...(statusMessage ? { statusMessage: fromA2AMessage(statusMessage) } : {}),
    history: (t.history ?? []).map(fromA2AMessage),
    artifacts: (t.artifacts ?? []).map((a) => fromA2AArtifact(a)),
  };
}

/** One streamed A2A event as ours; undefined for an empty payload. */
export function fromStreamResponse(response: StreamResponse): AgentEvent | undefined {
  const payload = response.payload;
  if (!payload) return undefined;
  switch (payload.$case) {
    case 'task': {
      const t = payload.value;
      const event = withOptional(
        { kind: 'task', remoteTaskId: t.id, contextId: t.contextId },
        fromA2ATaskState(t.status?.state),
        t.status?.message,
      );
      if (t.artifacts?.length) event.artifacts = t.artifacts.map((a) => fromA2AArtifact(a));
      return event;
    }
    case 'statusUpdate': {
      const u = payload.value;
      return withOptional(
        { kind: 'status', remoteTaskId: u.taskId, contextId: u.contextId },
        fromA2ATaskState(u.status?.state),
        u.status?.message,
      );
    }
    case 'message': {
      const m = payload.value;
      return {
        kind: 'message',
        remoteTaskId: m.taskId,
        contextId: m.contextId,
        message: fromA2AMessage(m),
      };
    }
    case 'artifactUpdate': {
      const u = payload.value;
      if (!u.artifact) return undefined;
      return {
        kind: 'artifact',
        remoteTaskId: u.taskId,
        contextId: u.contextId,
        artifact: fromA2AArtifact(u.artifact, { append: u.append, lastChunk: u.lastChunk }),
      };
    }
  }
}

function withOptional(
  event: AgentEvent,
  state: TaskState | undefined,
  message: A2AMessage | undefined,
): AgentEvent {
  if (state !== undefined) event.state = state;
  if (message) event.message = fromA2AMessage(message);
  return event;
}
