import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppError, ErrorCode, sleep, type Logger } from '@agentry/core';
import type { AgentEvent, RemoteTask } from '@agentry/a2a-adapter';
import { agentClient, partsToSendInput } from './agent.client';
import { RUN_QUEUE, type JobQueue, type RunJob } from './job-queue';
import { partsText, type Part } from '../task/part.type';
import {
  clearLapsedLease,
  claimTask,
  expireLeases,
  lapsedTasks,
  releaseLease,
  renewLease,
  type ClaimedTask,
} from '../task/task-lease.store';
import {
  answeredQuestionId,
  artifactParts,
  recordEvent,
  requesterMessageParts,
  setRemoteTaskId,
  type TaskEventInput,
} from '../task/task.store';
import { MessageRole } from '../task/message-role.type';
import { TaskEventKind } from '../events/task-event-kind.type';
import { TaskState, isTerminal } from '../task/task-state.type';
import type { TasksEnv } from '../env';

const INTERRUPTED = new Set<TaskState>([TaskState.INPUT_REQUIRED, TaskState.AUTH_REQUIRED]);
/** A run ends when the task is terminal or waits for the requester. */
const runIsOver = (state: TaskState) => isTerminal(state) || INTERRUPTED.has(state);

/** Codes of agent failures that a retry cannot mend: the task fails at once with the reason. */
const FAIL_AT_ONCE = new Set<string>([ErrorCode.BAD_USER_INPUT, ErrorCode.AGENT_ERROR]);
/** States in which the agent's status message is the reason the task did not complete. */
const FAILED_STATES = new Set<TaskState>([TaskState.FAILED, TaskState.REJECTED]);
/** Characters of an agent's reason kept in Task.error and in the logs. */
const MAX_REASON = 1000;

const clip = (text: string, max = MAX_REASON) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;
const errorText = (err: unknown) => clip(err instanceof Error ? err.message : String(err));

/** Where a run stands: the task's recorded state, and what the agent calls it. */
interface RunState {
  current: TaskState;
  remoteTaskId: string | null;
  /**
   * The agent's id of the question the requester's reply answered. Until the agent reports
   * something else, an interrupted state that still carries it is the task as it stood before
   * the reply (agents may re-send that snapshot first), not a state to stop on.
   */
  answered: string | null;
}

/**
 * Runs tasks on their A2A agents. A run is started by a job (pg-boss) and owned through a lease
 * on the task row that the runner renews; when a runner dies its lease lapses and any replica's
 * sweeper queues a `resume`, which asks the agent where the task stands (A2A does not replay
 * missed events) and continues from there. Every agent event becomes one recorded task event,
 * deduplicated by the agent's message ids, so a resumed run neither loses nor repeats messages.
 */
export class TaskRunner {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly active = new Map<string, AbortController>();
  private readonly runs = new Set<Promise<void>>();
  private readonly slotWaiters: (() => void)[] = [];
  private worker?: string;
  private sweeper?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    private readonly queue: JobQueue,
    private readonly env: TasksEnv,
    private readonly log: Logger,
  ) {}

  /**
   * One queue worker fetches jobs in batches and starts each run in the background once a slot
   * is free (at most TASK_RUNNER_CONCURRENCY at once). A job only triggers a run: what keeps a
   * run alive across crashes is the task's lease, so the job may complete as soon as its run has
   * started. (One worker per slot would queue dozens of fetches on the queue's few connections.)
   */
  async start() {
    this.worker = await this.queue.boss.work<RunJob>(
      RUN_QUEUE,
      { pollingIntervalSeconds: 0.5, batchSize: this.env.TASK_RUNNER_CONCURRENCY },
      async (jobs) => {
        for (const job of jobs) {
          await this.freeSlot();
          if (this.stopped) return;
          const run = this.run(job.data).finally(() => {
            this.runs.delete(run);
            this.slotWaiters.shift()?.();
          });
          this.runs.add(run);
        }
      },
    );
    this.sweeper = setInterval(() => void this.sweep(), Math.max(100, this.env.TASK_LEASE_MS / 2));
    this.sweeper.unref();
  }

  private async freeSlot() {
    while (this.runs.size >= this.env.TASK_RUNNER_CONCURRENCY && !this.stopped) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
  }

  /** Wakes the queue worker now instead of at its next poll (after a job was committed). */
  wake() {
    if (this.worker) this.queue.boss.notifyWorker(this.worker);
  }

  /** Stops this process's runs at once and gives up their leases, so another replica resumes them. */
  async stop() {
    this.stopped = true;
    clearInterval(this.sweeper);
    for (const c of this.active.values()) c.abort();
    for (const wake of this.slotWaiters.splice(0)) wake();
    if (this.worker) await this.queue.boss.offWork({ id: this.worker }).catch(() => {});
    await Promise.all(this.runs);
    await expireLeases(this.db, this.owner).catch(() => {});
  }

  /** Stops a run of this process (cancelTask); other replicas notice at their next event. */
  abort(taskId: string) {
    this.active.get(taskId)?.abort();
  }

  async run(job: RunJob) {
    if (this.stopped) return;
    const task = await claimTask(this.db, job.taskId, this.owner, this.env.TASK_LEASE_MS);
    if (!task) return;
    const abort = new AbortController();
    this.active.set(task.id, abort);
    const renew = setInterval(
      () => void renewLease(this.db, task.id, this.owner, this.env.TASK_LEASE_MS).catch(() => {}),
      Math.max(50, this.env.TASK_LEASE_MS / 3),
    );
    try {
      await this.drive(task, job.mode, abort.signal);
    } catch (err) {
      this.log.error({ err, taskId: task.id }, 'task run failed');
    } finally {
      clearInterval(renew);
      this.active.delete(task.id);
      await releaseLease(this.db, task.id, this.owner).catch(() => {});
    }
  }

  /** Queues a resume for every running task whose lease lapsed (its runner is gone). */
  private async sweep() {
    try {
      const ids = await lapsedTasks(this.db);
      for (const id of ids) {
        this.log.info({ taskId: id }, 'resuming a task whose runner stopped');
        await clearLapsedLease(this.db, id);
        await this.queue.enqueueResume(id);
      }
      if (ids.length) this.wake();
    } catch (err) {
      if (!this.stopped) this.log.warn({ err }, 'lease sweep failed');
    }
  }

  private async drive(task: ClaimedTask, initialMode: RunJob['mode'], signal: AbortSignal) {
    if (!task.agentUrl) {
      await this.fail(task.id, 'The agent has no A2A endpoint.');
      return;
    }
    let mode = initialMode;
    let lastProgress = Date.now();
    let attempt = 0;
    const state: RunState = {
      current: task.state,
      remoteTaskId: task.remoteTaskId,
      answered: INTERRUPTED.has(task.state) ? null : await answeredQuestionId(this.db, task.id),
    };
    const answered = () => (state.answered ? { answeredQuestionId: state.answered } : {});
    while (!signal.aborted) {
      try {
        const client = await agentClient(task.agentUrl, this.env);
        let stream: AsyncIterable<AgentEvent>;
        if (mode === 'resume' && state.remoteTaskId) {
          const remote = await client.getTask(state.remoteTaskId);
          if (await this.reconcile(task.id, remote, state)) return;
          stream = client.resubscribe(state.remoteTaskId, { signal, ...answered() });
        } else if (mode === 'reply' && state.remoteTaskId) {
          stream = client.send(await this.latestUserInput(task.id), {
            contextId: task.contextId,
            taskId: state.remoteTaskId,
            signal,
            ...answered(),
          });
        } else {
          // The agent has not acknowledged the task yet (or we never learned that it did).
          stream = client.send(await this.firstUserInput(task.id), {
            contextId: task.contextId,
            signal,
          });
        }
        for await (const event of stream) {
          lastProgress = Date.now();
          attempt = 0;
          if (await this.apply(task.id, event, state)) return;
        }
        // The stream ended without an end state: ask the agent where the task stands.
        mode = 'resume';
      } catch (err) {
        if (signal.aborted) return;
        const code = err instanceof AppError ? err.extensions.code : undefined;
        if (typeof code === 'string' && FAIL_AT_ONCE.has(code)) {
          await this.fail(
            task.id,
            code === ErrorCode.BAD_USER_INPUT ? errorText(err) : `${code}: ${errorText(err)}`,
          );
          return;
        }
        if (Date.now() - lastProgress > this.env.TASK_AGENT_TIMEOUT_MS) {
          await this.fail(
            task.id,
            `${ErrorCode.AGENT_UNREACHABLE}: the agent did not answer for ${Math.round(this.env.TASK_AGENT_TIMEOUT_MS / 1000)} s (${errorText(err)})`,
          );
          return;
        }
        this.log.warn(
          { error: errorText(err), taskId: task.id, attempt },
          'agent call failed; retrying',
        );
        if (state.remoteTaskId) mode = 'resume';
        await sleep(Math.min(200 * 2 ** attempt++, 5000), signal);
      }
    }
  }

  /**
   * Records one agent event. Returns true when the run is over (an end state, or the task was
   * ended meanwhile, e.g. canceled).
   */
  private async apply(taskId: string, event: AgentEvent, state: RunState): Promise<boolean> {
    const remoteTaskId = event.remoteTaskId || null;
    let input: TaskEventInput | null = null;
    const message = event.message && {
      role: event.message.role === 'USER' ? MessageRole.USER : MessageRole.AGENT,
      parts: event.message.parts as Part[],
      remoteMessageId: event.message.messageId || null,
    };
    switch (event.kind) {
      case 'task':
      case 'status': {
        if (this.isStale(event.state as TaskState | undefined, event.message?.messageId, state)) {
          // The task as it stood before the reply: it names the task, nothing more.
          if (remoteTaskId && !state.remoteTaskId) {
            state.remoteTaskId = remoteTaskId;
            await setRemoteTaskId(this.db, taskId, remoteTaskId);
          }
          return false;
        }
        const next = (event.state as TaskState | undefined) ?? state.current;
        const userEcho = message?.role === MessageRole.USER;
        if (next !== state.current || (message && !userEcho)) {
          input = {
            kind: TaskEventKind.STATUS,
            state: next,
            message: userEcho ? undefined : message,
            error: failureReason(next, userEcho ? undefined : message?.parts),
          };
        } else if (remoteTaskId && !state.remoteTaskId) {
          state.remoteTaskId = remoteTaskId;
          await setRemoteTaskId(this.db, taskId, remoteTaskId);
        }
        break;
      }
      case 'message':
        if (message && message.role === MessageRole.AGENT) {
          // A message without a task is the agent's whole answer.
          input = {
            kind: TaskEventKind.MESSAGE,
            message,
            state: remoteTaskId ? undefined : TaskState.COMPLETED,
          };
        }
        break;
      case 'artifact':
        if (event.artifact) {
          input = {
            kind: TaskEventKind.ARTIFACT,
            artifact: { ...event.artifact, parts: event.artifact.parts as Part[] },
          };
        }
        break;
    }
    if (!input) return runIsOver(state.current);
    return this.record(taskId, { ...input, remoteTaskId }, state);
  }

  /**
   * Whether an interrupted state is the stale one from before the requester's reply (see
   * {@link RunState.answered}). Any other state the agent reports ends the staleness.
   */
  private isStale(
    next: TaskState | undefined,
    messageId: string | undefined,
    state: RunState,
  ): boolean {
    if (!state.answered || next === undefined) return false;
    if (INTERRUPTED.has(next) && messageId === state.answered) return true;
    state.answered = null;
    return false;
  }

  /** Brings the record in line with the agent's own view of the task (after a gap). */
  private async reconcile(taskId: string, remote: RemoteTask, state: RunState): Promise<boolean> {
    for (const m of remote.history) {
      if (m.role !== 'AGENT') continue;
      if (
        await this.record(
          taskId,
          {
            kind: TaskEventKind.MESSAGE,
            message: {
              role: MessageRole.AGENT,
              parts: m.parts as Part[],
              remoteMessageId: m.messageId || null,
            },
          },
          state,
        )
      )
        return true;
    }
    for (const a of remote.artifacts) {
      const stored = await artifactParts(this.db, taskId, a.artifactId);
      if (stored && JSON.stringify(normalize(stored)) === JSON.stringify(normalize(a.parts)))
        continue;
      if (
        await this.record(
          taskId,
          {
            kind: TaskEventKind.ARTIFACT,
            artifact: { ...a, parts: a.parts as Part[], append: false, lastChunk: true },
          },
          state,
        )
      )
        return true;
    }
    const next = remote.state as TaskState | undefined;
    // Still the question the requester answered: the agent has not taken the reply up yet.
    if (this.isStale(next, remote.statusMessage?.messageId, state)) return false;
    if (next && next !== state.current) {
      const sm = remote.statusMessage;
      const agentSays = sm && sm.role === 'AGENT' ? (sm.parts as Part[]) : undefined;
      return this.record(
        taskId,
        {
          kind: TaskEventKind.STATUS,
          state: next,
          message:
            sm && agentSays
              ? { role: MessageRole.AGENT, parts: agentSays, remoteMessageId: sm.messageId || null }
              : undefined,
          error: failureReason(next, agentSays),
        },
        state,
      );
    }
    return runIsOver(state.current);
  }

  private async record(taskId: string, input: TaskEventInput, state: RunState): Promise<boolean> {
    try {
      const { task } = await recordEvent(this.db, taskId, input);
      state.current = task.state;
      state.remoteTaskId = task.remoteTaskId ?? state.remoteTaskId;
    } catch (err) {
      const e = err as { code?: string; constraint?: string; extensions?: { code?: string } };
      if (e.code === '23505' && e.constraint === 'task_messages_remote_key') {
        // Already recorded (a resumed stream repeats it): drop the message, keep the rest.
        if (input.message && (input.state ?? state.current) !== state.current) {
          return this.record(taskId, { ...input, message: undefined }, state);
        }
        return runIsOver(state.current);
      }
      // The task ended meanwhile (canceled by its requester): this run is over.
      if (e.extensions?.code === ErrorCode.CONFLICT) return true;
      throw err;
    }
    return runIsOver(state.current);
  }

  private async fail(taskId: string, error: string) {
    this.log.warn({ taskId, error: clip(error) }, 'task failed');
    await recordEvent(this.db, taskId, {
      kind: TaskEventKind.STATUS,
      state: TaskState.FAILED,
      error,
    }).catch((err) => {
      if ((err as AppError).extensions?.code !== ErrorCode.CONFLICT) throw err;
    });
  }

  private async firstUserInput(taskId: string) {
    return partsToSendInput(await requesterMessageParts(this.db, taskId, 'first'));
  }

  private async latestUserInput(taskId: string) {
    return partsToSendInput(await requesterMessageParts(this.db, taskId, 'latest'));
  }
}

/**
 * Task.error for a status: the agent's own words (its status message's text, cut to
 * {@link MAX_REASON}) when the task FAILED or was REJECTED; null for other states.
 */
function failureReason(state: TaskState, parts: Part[] | undefined): string | null {
  if (!FAILED_STATES.has(state)) return null;
  const text = parts ? partsText(parts).trim() : '';
  return clip(text || `The agent reported ${state} without giving a reason.`);
}

/** Parts compared without null/undefined noise. */
const normalize = (parts: unknown) =>
  JSON.parse(JSON.stringify(parts ?? [], (_k, v) => (v === null ? undefined : v)));
