import type { EntityManager } from 'typeorm';
import { badInput, conflict, notFound, idArgument } from '@agentry/core';
import { publishEvents, type DomainEvent } from '@agentry/events';
import { inTransaction, selectColumns, type Db } from '@agentry/subgraph-kit';
import { TaskEventKind } from '../events/task-event-kind.type';
import { TaskEvent } from '../events/task-event.entity';
import { findAgent, isForHire } from '../projections/agent-projection.store';
import { MessageRole } from './message-role.type';
import { PartKind, filePart, type Part } from './part.type';
import { TaskState, isTaskState, isTerminal } from './task-state.type';
import { TaskArtifact } from './task-artifact.entity';
import { TaskMessage } from './task-message.entity';
import { Task } from './task.entity';
import { taskInputToParts, type TaskInput } from './task.input';

/*
 * The only code that writes a task, its messages, artifacts and events (the runner's lease on a
 * task is task-lease.store.ts). Whatever an agent reports becomes one numbered event, written
 * with its effects and its domain events in one transaction under the task's row lock, so
 * sequences are gapless and never race. The reads of these tables are here too.
 */

/** NOTIFY channel announcing new task events (the payload is the task id). */
export const TASK_EVENTS_CHANNEL = 'agentry_task_events';

const STORE_LIMITS = {
  parts: 1000,
  id: 255,
  name: 1000,
  description: 10_000,
  /** Longer error texts from remote agents are cut, not refused: the failure must be recorded. */
  error: 4000,
} as const;

export interface NewMessage {
  role: MessageRole;
  parts: Part[];
  /** The A2A message id, if the agent gave one. */
  remoteMessageId?: string | null;
}

/** An A2A artifact update: `append` adds the parts to the artifact with the same id. */
export interface ArtifactChunk {
  artifactId: string;
  name?: string | null;
  description?: string | null;
  parts: Part[];
  append?: boolean;
  lastChunk?: boolean;
}

export interface TaskEventInput {
  kind: TaskEventKind;
  /** The task's new state (required for STATUS; MESSAGE and ARTIFACT may change it too). */
  state?: TaskState;
  /** The message a MESSAGE event adds (a STATUS event may carry one, as A2A status updates do). */
  message?: NewMessage;
  artifact?: ArtifactChunk;
  /** Why the task failed; kept on the task. */
  error?: string | null;
  /** The id the remote agent gave the task, once known. */
  remoteTaskId?: string | null;
}

export interface RecordedEvent {
  task: Task;
  event: TaskEvent;
}

export interface NewTask {
  agentId: string;
  requesterId: string;
  input: TaskInput;
  /** Continues an A2A conversation; a fresh one by default. */
  contextId?: string | null;
  /** The task's id, when it had to be known before (e.g. for the billing hold); new by default. */
  id?: string;
  /** The price the hold was placed for; the agent's current price by default. */
  priceCredits?: number;
}

/** Creates a SUBMITTED task whose first event (sequence 1) is the requester's message. */
export async function createTask(db: Db, task: NewTask): Promise<Task> {
  idArgument(task.agentId, 'agentId', 'an agent');
  idArgument(task.requesterId, 'requesterId', 'a user');
  if (task.contextId != null && !isShortId(task.contextId))
    throw badInput(`contextId must be 1 to ${STORE_LIMITS.id} characters.`, {
      argument: 'contextId',
    });
  const parts = await taskInputToParts(task.input);
  return inTransaction(db, async (m) => {
    const agent = await findAgent(m, task.agentId);
    // Unpublished agents are not for hire; saying NOT_FOUND does not reveal drafts.
    if (!isForHire(agent)) throw notFound('Agent', task.agentId);
    const [created] = await m.query(
      `INSERT INTO tasks.tasks (id, agent_id, requester_id, provider_id, context_id, state, price_credits)
       VALUES (coalesce($7::uuid, gen_random_uuid()), $1, $2, $3, coalesce($4, gen_random_uuid()::text), $5, $6)
       RETURNING id`,
      [
        task.agentId,
        task.requesterId,
        agent.providerId,
        task.contextId ?? null,
        TaskState.SUBMITTED,
        task.priceCredits ?? agent.priceCredits,
        task.id ?? null,
      ],
    );
    const { task: saved } = await appendEvent(m, created.id, {
      kind: TaskEventKind.MESSAGE,
      state: TaskState.SUBMITTED,
      message: { role: MessageRole.USER, parts },
    });
    return saved;
  });
}

/**
 * Records what happened to a task as its next event. Refuses (CONFLICT, nothing written) once
 * the task is in a terminal state.
 */
export async function recordEvent(
  db: Db,
  taskId: string,
  input: TaskEventInput,
): Promise<RecordedEvent> {
  idArgument(taskId, 'taskId', 'a task');
  const checked = checkEventInput(input);
  return inTransaction(db, (m) => appendEvent(m, taskId, checked));
}

/**
 * Locks a task for its next event. The advisory lock comes first, before the transaction writes
 * anything, so transactions take their ids in the order they take the lock: a task's events then
 * sort the same by sequence and by (transaction id, position), which subscriptions rely on.
 */
export async function lockTask(m: EntityManager, taskId: string): Promise<Task | undefined> {
  await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [taskId]);
  const [row]: Task[] = await m.query(
    `SELECT ${selectColumns(m, Task, 't')} FROM tasks.tasks t WHERE t.id = $1 FOR UPDATE`,
    [taskId],
  );
  return row;
}

async function appendEvent(
  m: EntityManager,
  taskId: string,
  input: TaskEventInput,
): Promise<RecordedEvent> {
  const current = await lockTask(m, taskId);
  if (!current) throw notFound('Task', taskId);
  if (isTerminal(current.state))
    throw conflict(`Task ${taskId} is already ${current.state}; it takes no further events.`);

  const sequence = current.lastSequence + 1;
  const state = input.state ?? current.state;
  // The first event brings the task into being, which subscribers see as a state change too.
  const stateChanged = state !== current.state || current.lastSequence === 0;

  let messageId: string | null = null;
  if (input.message) {
    const [row] = await m.query(
      `INSERT INTO tasks.task_messages (task_id, role, parts, remote_message_id, sequence)
       VALUES ($1, $2, $3::jsonb, $4, $5) RETURNING id`,
      [
        taskId,
        input.message.role,
        JSON.stringify(input.message.parts),
        input.message.remoteMessageId ?? null,
        sequence,
      ],
    );
    messageId = row.id;
  }

  let artifactRowId: string | null = null;
  if (input.artifact) {
    const a = input.artifact;
    const [row] = await m.query(
      `INSERT INTO tasks.task_artifacts AS a (task_id, artifact_id, name, description, parts)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (task_id, artifact_id) DO UPDATE SET
         parts = CASE WHEN $6::boolean THEN a.parts || excluded.parts ELSE excluded.parts END,
         name = coalesce(excluded.name, a.name),
         description = coalesce(excluded.description, a.description),
         updated_at = now()
       RETURNING id`,
      [
        taskId,
        a.artifactId,
        a.name ?? null,
        a.description ?? null,
        JSON.stringify(a.parts),
        a.append === true,
      ],
    );
    artifactRowId = row.id;
  }

  const [[task]]: [Task[], number] = await m.query(
    `UPDATE tasks.tasks AS t SET last_sequence = $2, state = $3, updated_at = now(),
       completed_at = CASE WHEN $4::boolean THEN now() ELSE t.completed_at END,
       error = coalesce($5, t.error),
       remote_task_id = coalesce($6, t.remote_task_id)
     WHERE t.id = $1 RETURNING ${selectColumns(m, Task, 't')}`,
    [taskId, sequence, state, isTerminal(state), input.error ?? null, input.remoteTaskId ?? null],
  );

  const [event]: TaskEvent[] = await m.query(
    `INSERT INTO tasks.task_events AS e
       (task_id, sequence, kind, state, message_id, artifact_id, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING ${selectColumns(m, TaskEvent, 'e')}`,
    [
      taskId,
      sequence,
      input.kind,
      state,
      messageId,
      artifactRowId,
      JSON.stringify(eventPayload(input, current.state, messageId)),
    ],
  );

  // Wakes every replica's event stream (subscriptions) once this transaction commits.
  await m.query('SELECT pg_notify($1, $2)', [TASK_EVENTS_CHANNEL, taskId]);

  const events: DomainEvent[] = [];
  if (stateChanged) {
    events.push({
      topic: 'task.state_changed',
      key: taskId,
      payload: {
        taskId,
        agentId: task.agentId,
        requesterId: task.requesterId,
        state,
        sequence,
      },
    });
  }
  if (stateChanged && state === TaskState.COMPLETED) {
    events.push({
      topic: 'task.completed',
      key: taskId,
      payload: {
        taskId,
        agentId: task.agentId,
        requesterId: task.requesterId,
        providerId: task.providerId,
        completedAt: task.completedAt!.toISOString(),
      },
    });
  }
  await publishEvents(m, events);
  return { task, event };
}

/** What the event was, beyond the rows it points at (for replay and audit). */
function eventPayload(input: TaskEventInput, previousState: TaskState, messageId: string | null) {
  const payload: Record<string, unknown> = { previousState };
  if (input.message) {
    payload.messageId = messageId;
    payload.role = input.message.role;
  }
  if (input.artifact) {
    payload.artifactId = input.artifact.artifactId;
    payload.append = input.artifact.append === true;
    payload.lastChunk = input.artifact.lastChunk === true;
    // The chunk itself: the artifact row holds the sum of all chunks.
    payload.parts = input.artifact.parts;
  }
  if (input.error) payload.error = input.error;
  return payload;
}

const isShortId = (s: unknown): s is string =>
  typeof s === 'string' && s.length >= 1 && s.length <= STORE_LIMITS.id;
const optionalText = (s: unknown, max: number) =>
  s == null || (typeof s === 'string' && s.length <= max);

/**
 * Checks an event before anything is written. Inputs come from our own runner, but their
 * content comes from remote agents, so shapes and sizes are not taken on trust.
 */
function checkEventInput(input: TaskEventInput): TaskEventInput {
  if (!Object.values(TaskEventKind).includes(input.kind))
    throw badInput('kind must be STATUS, MESSAGE or ARTIFACT.');
  if (input.state !== undefined && !isTaskState(input.state))
    throw badInput('state must be a task state.');
  if (input.kind === TaskEventKind.STATUS && !input.state)
    throw badInput('A STATUS event needs a state.');
  if (input.kind === TaskEventKind.MESSAGE && !input.message)
    throw badInput('A MESSAGE event needs a message.');
  if (input.kind === TaskEventKind.ARTIFACT && !input.artifact)
    throw badInput('An ARTIFACT event needs an artifact.');
  if (input.kind !== TaskEventKind.ARTIFACT && input.artifact)
    throw badInput('Only an ARTIFACT event carries an artifact.');
  if (input.kind === TaskEventKind.ARTIFACT && input.message)
    throw badInput('An ARTIFACT event carries no message.');
  if (input.remoteTaskId != null && !isShortId(input.remoteTaskId))
    throw badInput(`remoteTaskId must be 1 to ${STORE_LIMITS.id} characters.`);
  if (input.error != null && typeof input.error !== 'string') throw badInput('error must be text.');

  let message: NewMessage | undefined;
  if (input.message) {
    if (!Object.values(MessageRole).includes(input.message.role))
      throw badInput('message.role must be USER or AGENT.');
    if (input.message.remoteMessageId != null && !isShortId(input.message.remoteMessageId))
      throw badInput(`message.remoteMessageId must be 1 to ${STORE_LIMITS.id} characters.`);
    message = {
      role: input.message.role,
      parts: checkParts(input.message.parts, 'message.parts', 1),
      remoteMessageId: input.message.remoteMessageId ?? null,
    };
  }
  let artifact: ArtifactChunk | undefined;
  if (input.artifact) {
    const a = input.artifact;
    if (!isShortId(a.artifactId))
      throw badInput(`artifact.artifactId must be 1 to ${STORE_LIMITS.id} characters.`);
    if (!optionalText(a.name, STORE_LIMITS.name))
      throw badInput(`artifact.name must be at most ${STORE_LIMITS.name} characters.`);
    if (!optionalText(a.description, STORE_LIMITS.description))
      throw badInput(
        `artifact.description must be at most ${STORE_LIMITS.description} characters.`,
      );
    artifact = {
      artifactId: a.artifactId,
      name: a.name ?? null,
      description: a.description ?? null,
      parts: checkParts(a.parts, 'artifact.parts', 0),
      append: a.append === true,
      lastChunk: a.lastChunk === true,
    };
  }
  return {
    kind: input.kind,
    state: input.state,
    message,
    artifact,
    error: input.error ? input.error.slice(0, STORE_LIMITS.error) : null,
    remoteTaskId: input.remoteTaskId ?? null,
  };
}

/** Parts in their stored shape (unknown keys dropped), or BAD_USER_INPUT. */
function checkParts(parts: unknown, what: string, min: number): Part[] {
  if (!Array.isArray(parts) || parts.length < min || parts.length > STORE_LIMITS.parts)
    throw badInput(`${what} must be a list of ${min} to ${STORE_LIMITS.parts} parts.`);
  return parts.map((p: Part, i): Part => {
    const bad = () => badInput(`${what}[${i}] is not a valid ${p?.kind ?? ''} part.`);
    if (p?.kind === PartKind.TEXT) {
      if (typeof p.text !== 'string') throw bad();
      return { kind: PartKind.TEXT, text: p.text };
    }
    if (p?.kind === PartKind.DATA) {
      if (p.data === undefined) throw bad();
      return { kind: PartKind.DATA, data: p.data };
    }
    if (p?.kind === PartKind.FILE) {
      const f = p.file;
      if (!f || (f.uri == null && f.bytes == null)) throw bad();
      return filePart(f);
    }
    throw badInput(`${what}[${i}] must be a TEXT, DATA or FILE part.`);
  });
}

/** Tasks by id (in no particular order). */
export async function findTasks(db: Db, ids: readonly string[]): Promise<Task[]> {
  return db.query(
    `SELECT ${selectColumns(db, Task, 't')} FROM tasks.tasks t WHERE t.id = ANY($1::uuid[])`,
    [ids],
  );
}

/** The messages of several tasks, by task and in order. */
export async function taskMessages(db: Db, taskIds: readonly string[]): Promise<TaskMessage[]> {
  return db.query(
    `SELECT ${selectColumns(db, TaskMessage, 'm')} FROM tasks.task_messages m
      WHERE m.task_id = ANY($1::uuid[]) ORDER BY m.task_id, m.sequence`,
    [taskIds],
  );
}

/** The artifacts of several tasks, by task and in the order they were created. */
export async function taskArtifacts(db: Db, taskIds: readonly string[]): Promise<TaskArtifact[]> {
  return db.query(
    `SELECT ${selectColumns(db, TaskArtifact, 'a')} FROM tasks.task_artifacts a
      WHERE a.task_id = ANY($1::uuid[]) ORDER BY a.task_id, a.created_at, a.id`,
    [taskIds],
  );
}

export async function findMessages(db: Db, ids: readonly string[]): Promise<TaskMessage[]> {
  return db.query(
    `SELECT ${selectColumns(db, TaskMessage, 'm')} FROM tasks.task_messages m WHERE m.id = ANY($1::uuid[])`,
    [ids],
  );
}

export async function findArtifacts(db: Db, ids: readonly string[]): Promise<TaskArtifact[]> {
  return db.query(
    `SELECT ${selectColumns(db, TaskArtifact, 'a')} FROM tasks.task_artifacts a WHERE a.id = ANY($1::uuid[])`,
    [ids],
  );
}

/** The parts of the requester's first or latest message (none: empty). */
export async function requesterMessageParts(
  db: Db,
  taskId: string,
  which: 'first' | 'latest',
): Promise<Part[]> {
  return (await requesterMessage(db, taskId, which))?.parts ?? [];
}

/**
 * The requester's first or latest message with its stored id: the A2A message id of every send
 * of it, so that retries (and a resume on another process) repeat one message the agent can
 * recognise, never a new one.
 */
export async function requesterMessage(
  db: Db,
  taskId: string,
  which: 'first' | 'latest',
): Promise<{ id: string; parts: Part[] } | null> {
  const order = which === 'first' ? 'ASC' : 'DESC';
  const [m] = await db.query(
    `SELECT id, parts FROM tasks.task_messages WHERE task_id = $1 AND role = 'USER' ORDER BY sequence ${order} LIMIT 1`,
    [taskId],
  );
  return m ? { id: m.id as string, parts: m.parts as Part[] } : null;
}

/**
 * The agent's id of the question the requester's latest message answers: the newest AGENT
 * message recorded before the requester's latest one. Null when the requester has not replied
 * to anything (the first message) or the agent gave its messages no ids.
 */
export async function answeredQuestionId(db: Db, taskId: string): Promise<string | null> {
  const [q] = await db.query(
    `SELECT a.remote_message_id AS id FROM tasks.task_messages a
      WHERE a.task_id = $1 AND a.role = 'AGENT'
        AND a.sequence < (SELECT max(u.sequence) FROM tasks.task_messages u
                           WHERE u.task_id = $1 AND u.role = 'USER')
      ORDER BY a.sequence DESC LIMIT 1`,
    [taskId],
  );
  return q?.id ?? null;
}

/** The parts of a task's artifact as stored so far, by the agent's artifact id. */
export async function artifactParts(
  db: Db,
  taskId: string,
  artifactId: string,
): Promise<Part[] | null> {
  const [stored] = await db.query(
    'SELECT parts FROM tasks.task_artifacts WHERE task_id = $1 AND artifact_id = $2',
    [taskId, artifactId],
  );
  return stored ? stored.parts : null;
}

/** Sets the id the remote agent gave a task, when it arrives without anything to record. */
export async function setRemoteTaskId(db: Db, taskId: string, remoteTaskId: string) {
  await db.query('UPDATE tasks.tasks SET remote_task_id = $2 WHERE id = $1', [
    taskId,
    remoteTaskId,
  ]);
}

/** A task's current state (undefined if there is no such task). */
export async function taskState(db: Db, taskId: string): Promise<TaskState | undefined> {
  const [row] = await db.query('SELECT state FROM tasks.tasks WHERE id = $1', [taskId]);
  return row?.state;
}
