import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AppError } from '@agentry/core';
import { TASKS_ENTITIES } from './subgraph';
import { PartKind } from './task/part.type';
import { createTask, recordEvent } from './task/task.store';
import { MessageRole } from './task/message-role.type';
import { TaskEventKind } from './events/task-event-kind.type';
import { TaskState } from './task/task-state.type';

const USAGE =
  'usage: cli.ts record-demo-task --agent <agentId> --requester <userId> --text <question> --reply <answer>';

/**
 * Operator commands (DATABASE_URL from the environment).
 *   record-demo-task: a finished task with real events (SUBMITTED, WORKING, the agent's reply, an
 *   artifact, COMPLETED) written through task/task.store.ts, as the A2A runner does; prints its
 *   id.
 *   Fails while the agent is not yet in this subgraph's projection (callers retry).
 */
async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'record-demo-task') throw new Error(USAGE);
  const { values } = parseArgs({
    args: rest,
    options: {
      agent: { type: 'string' },
      requester: { type: 'string' },
      text: { type: 'string' },
      reply: { type: 'string' },
    },
    strict: true,
  });
  const { agent, requester, text, reply } = values;
  if (!agent || !requester || !text || !reply) throw new Error(USAGE);
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');

  const db = new DataSource({
    type: 'postgres',
    url,
    schema: 'tasks',
    entities: TASKS_ENTITIES,
    extra: { max: 2 },
  });
  await db.initialize();
  try {
    const task = await createTask(db, {
      agentId: agent,
      requesterId: requester,
      input: { text },
    });
    await recordEvent(db, task.id, { kind: TaskEventKind.STATUS, state: TaskState.WORKING });
    await recordEvent(db, task.id, {
      kind: TaskEventKind.MESSAGE,
      message: { role: MessageRole.AGENT, parts: [{ kind: PartKind.TEXT, text: reply }] },
    });
    await recordEvent(db, task.id, {
      kind: TaskEventKind.ARTIFACT,
      artifact: {
        artifactId: 'answer',
        name: 'Answer',
        parts: [{ kind: PartKind.TEXT, text: reply }],
        lastChunk: true,
      },
    });
    await recordEvent(db, task.id, { kind: TaskEventKind.STATUS, state: TaskState.COMPLETED });
    console.log(task.id);
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof AppError || err instanceof Error ? err.message : err);
  process.exit(1);
});
