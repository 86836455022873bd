import { timeKey } from '@agentry/subgraph-kit';
import type { Task } from './task/task.entity';

/** The columns of a task under alias `t`, named as the entity's properties. */
export const TASK_COLUMNS = `t.id, t.agent_id AS "agentId", t.requester_id AS "requesterId",
  t.provider_id AS "providerId", t.context_id AS "contextId", t.remote_task_id AS "remoteTaskId",
  t.state, t.price_credits AS "priceCredits", t.last_sequence AS "lastSequence", t.error,
  t.created_at AS "createdAt", t.updated_at AS "updatedAt", t.completed_at AS "completedAt"`;

export const MESSAGE_COLUMNS = `m.id, m.task_id AS "taskId", m.role, m.parts,
  m.remote_message_id AS "remoteMessageId", m.sequence, m.created_at AS "createdAt"`;

export const ARTIFACT_COLUMNS = `a.id, a.task_id AS "taskId", a.artifact_id AS "artifactId",
  a.name, a.description, a.parts, a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;

export const EVENT_COLUMNS = `e.task_id AS "taskId", e.sequence, e.kind, e.state,
  e.message_id AS "messageId", e.artifact_id AS "artifactRowId", e.payload,
  e.created_at AS "createdAt"`;

/** A task's position in newest-first lists. */
export const CREATED_KEY = timeKey('t.created_at');

/** A task row as selected with TASK_COLUMNS (plus its cursor key in list queries). */
export type TaskRow = Task & { createdKey?: string };
