import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import type { Logger } from '@agentry/core';

/** The queue a task's runs go through; jobs survive restarts (pg-boss keeps them in Postgres). */
export const RUN_QUEUE = 'task-run';

/**
 * `send`: the first run of a new task; `reply`: the requester answered an INPUT_REQUIRED task;
 * `resume`: a run whose runner stopped (restart, crash) — continue from what the agent reports.
 */
export interface RunJob {
  taskId: string;
  mode: 'send' | 'reply' | 'resume';
}

export interface JobQueue {
  boss: PgBoss;
  /** Enqueues inside the caller's transaction: the job exists exactly when the task does. */
  enqueue(m: EntityManager, job: RunJob): Promise<void>;
  /** Enqueues a resume unless one is already waiting for the task. */
  enqueueResume(taskId: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startJobQueue(url: string, log: Logger): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString: url,
    schema: 'jobs',
    application_name: 'agentry-tasks-queue',
    max: 4,
    // Runs end at the task's end or first interruption; the runner's lease, not pg-boss's
    // expiry, detects a dead runner, so expiry only has to outlast the longest run.
    expireInHours: 4,
    retryLimit: 0,
  });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  await boss.start();
  await boss.createQueue(RUN_QUEUE).catch(() => {
    /* another replica created it */
  });
  return {
    boss,
    async enqueue(m, job) {
      await boss.send(RUN_QUEUE, job, {
        db: { executeSql: async (text, values) => ({ rows: await m.query(text, values) }) },
      });
    },
    async enqueueResume(taskId) {
      await boss.send(RUN_QUEUE, { taskId, mode: 'resume' } satisfies RunJob, {
        singletonKey: `resume:${taskId}`,
        singletonSeconds: 5,
      });
    },
    // Graceful: the worker's fetch may still be waiting for a connection; closing the pool under
    // it would leave that fetch (and the process) hanging.
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 5000 }),
  };
}
