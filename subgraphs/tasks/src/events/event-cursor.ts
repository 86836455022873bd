import { badInput } from '@agentry/core';
import { decodeCursor, type CursorKey } from '@agentry/subgraph-kit';
import type { TaskEvent } from './task-event.entity';

/** An event's place in its task's log, as `TaskEvent.cursor` encodes it: [sequence, taskId]. */
export const eventCursorKey = (event: Pick<TaskEvent, 'sequence' | 'taskId'>): CursorKey => [
  event.sequence,
  event.taskId,
];

export interface EventCursor {
  sequence: number;
  taskId: string;
}

/**
 * Decodes a cursor of `Task.events` or of a subscription event (null without one); with
 * `taskId`, it must be one of that task's events. Anything else is BAD_USER_INPUT.
 */
export function decodeEventCursor(
  cursor: string | undefined | null,
  taskId?: string,
): EventCursor | null {
  // Sequences are int4 from 1; the taskId is checked (and lower-cased) by the kit's decoder.
  const key = decodeCursor(cursor, 'integer');
  if (!key) return null;
  const [sequence, cursorTaskId] = key as [number, string];
  if (sequence < 0) {
    throw badInput('The cursor is malformed; pass the cursor of an event you received.', {
      argument: 'after',
    });
  }
  if (taskId !== undefined && cursorTaskId !== taskId.toLowerCase())
    throw badInput("This cursor belongs to another task's events.", { argument: 'after' });
  return { sequence, taskId: cursorTaskId };
}
