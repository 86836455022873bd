import { randomUUID } from 'node:crypto';
import { Role, TaskState, type AgentCard, type Message, type Part, type Task } from '@a2a-js/sdk';
import { AgentEvent, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server';

/*
 * Small builders shared by the example executors. The SDK's generated types make every field
 * required (protobuf style), so spelling them out once here keeps each agent file about its
 * behaviour rather than about empty arrays.
 */

/** Where events go: the task and conversation a request belongs to. */
export interface TaskRef {
  taskId: string;
  contextId: string;
}

export const textPart = (text: string): Part => ({
  content: { $case: 'text', value: text },
  mediaType: 'text/plain',
  filename: '',
  metadata: undefined,
});

export function agentMessage(ref: TaskRef, text: string): Message {
  return {
    messageId: randomUUID(),
    contextId: ref.contextId,
    taskId: ref.taskId,
    role: Role.ROLE_AGENT,
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

/** The text parts of the user's message, joined by newlines and trimmed. */
export function userText(ctx: RequestContext): string {
  return ctx.userMessage.parts
    .flatMap((p) => (p.content?.$case === 'text' ? [p.content.value] : []))
    .join('\n')
    .trim();
}

/**
 * Publishes the task as the first event of a turn, which the SDK requires ("every call MUST
 * publish either a task or a message event first"), also on follow-up turns. A follow-up
 * re-announces the stored task as WORKING so that a client does not mistake the old
 * INPUT_REQUIRED snapshot for the answer to its reply.
 */
export function publishTask(bus: ExecutionEventBus, ctx: RequestContext): TaskRef {
  const ref = { taskId: ctx.taskId, contextId: ctx.contextId };
  const task: Task = ctx.task
    ? {
        ...ctx.task,
        status: { state: TaskState.TASK_STATE_WORKING, message: undefined, timestamp: now() },
      }
    : {
        id: ref.taskId,
        contextId: ref.contextId,
        status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: now() },
        artifacts: [],
        history: [ctx.userMessage],
        metadata: undefined,
      };
  bus.publish(AgentEvent.task(task));
  return ref;
}

export function publishStatus(
  bus: ExecutionEventBus,
  ref: TaskRef,
  state: TaskState,
  text?: string,
): void {
  bus.publish(
    AgentEvent.statusUpdate({
      taskId: ref.taskId,
      contextId: ref.contextId,
      status: {
        state,
        message: text === undefined ? undefined : agentMessage(ref, text),
        timestamp: now(),
      },
      metadata: undefined,
    }),
  );
}

export interface ArtifactChunk {
  artifactId: string;
  name: string;
  description?: string;
  text: string;
  /** Adds to the artifact with the same id instead of replacing it. */
  append?: boolean;
  lastChunk?: boolean;
}

export function publishArtifact(bus: ExecutionEventBus, ref: TaskRef, chunk: ArtifactChunk): void {
  bus.publish(
    AgentEvent.artifactUpdate({
      taskId: ref.taskId,
      contextId: ref.contextId,
      artifact: {
        artifactId: chunk.artifactId,
        name: chunk.name,
        description: chunk.description ?? '',
        parts: [textPart(chunk.text)],
        metadata: undefined,
        extensions: [],
      },
      append: chunk.append ?? false,
      lastChunk: chunk.lastChunk ?? true,
      metadata: undefined,
    }),
  );
}

const now = () => new Date().toISOString();

/** The fields every example card shares; each agent adds its name, skills and capabilities. */
export function baseCard(
  rpcUrl: string,
  card: Pick<AgentCard, 'name' | 'description' | 'skills'> & { streaming: boolean },
): AgentCard {
  return {
    name: card.name,
    description: card.description,
    version: '1.0.0',
    supportedInterfaces: [
      { url: rpcUrl, protocolBinding: 'JSONRPC', protocolVersion: '1.0', tenant: '' },
    ],
    provider: { organization: 'Agentry examples', url: '' },
    capabilities: {
      streaming: card.streaming,
      pushNotifications: false,
      extensions: [],
      extendedAgentCard: false,
    },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: card.skills,
    signatures: [],
  };
}

/** A skill with the per-skill overrides left empty (the card's defaults apply). */
export function skill(
  id: string,
  name: string,
  description: string,
  tags: string[],
  examples: string[],
): AgentCard['skills'][number] {
  return {
    id,
    name,
    description,
    tags,
    examples,
    inputModes: [],
    outputModes: [],
    securityRequirements: [],
  };
}
