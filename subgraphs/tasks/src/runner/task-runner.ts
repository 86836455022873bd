import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppError, ErrorCode, sleep, type Logger } from '@agentry/core';
import type { A2AClient, AgentEvent, RemoteTask } from '@agentry/a2a-adapter';
import type { AgentCancels } from './agent-cancel';
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
  unheldTasks,
  type ClaimedTask,
} from '../task/task-lease.store';
import {
  answeredQuestionId,
  artifactParts,
  recordEvent,
  requesterMessage,
  setRemoteTaskId,
  taskState,
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
    private readonly cancels?: AgentCancels,
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
    // At once, not half a lease from now: tasks a stopped or crashed runner left are resumed by
    // whoever starts next.
    await this.sweep();
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
    const held = [...this.active.keys()];
    for (const c of this.active.values()) c.abort();
    for (const wake of this.slotWaiters.splice(0)) wake();
    if (this.worker) await this.queue.boss.offWork({ id: this.worker }).catch(() => {});
    await Promise.all(this.runs);
    await expireLeases(this.db, this.owner).catch(() => {});
    await this.handOver(held);
  }

  /**
   * Queues a resume for each task this runner let go of while it was still running, so another
   * replica's worker takes it within its next poll instead of waiting for its lease sweep. (No
   * replica running: the jobs wait in the queue for the next process, which also sweeps at start.)
   */
  private async handOver(taskIds: string[]) {
    try {
      const ids = await unheldTasks(this.db, taskIds);
      for (const id of ids) await this.queue.enqueueResume(id);
      if (ids.length) this.log.info({ tasks: ids.length }, 'handed running tasks over');
    } catch (err) {
      this.log.warn({ err }, 'could not hand tasks over; the lease sweep will resume them');
    }
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
    const agentUrl = task.agentUrl;
    const timeoutMs = this.env.TASK_AGENT_TIMEOUT_MS;
    let mode = initialMode;
    let lastProgress = Date.now();
    let attempt = 0;
    const state: RunState = {
      current: task.state,
      remoteTaskId: task.remoteTaskId,
      answered: INTERRUPTED.has(task.state) ? null : await answeredQuestionId(this.db, task.id),
      resumed: initialMode === 'resume',
    };
    const answered = () => (state.answered ? { answeredQuestionId: state.answered } : {});
    // One send = one message id, whatever the retries: the stored message's own id.
    const outgoing = {
      send: () => this.userInput(task.id, 'first'),
      reply: () => this.userInput(task.id, 'latest'),
    };
    while (!signal.aborted) {
      // No attempt outlives the task's own timeout: it is cut when the agent has been silent
      // for TASK_AGENT_TIMEOUT_MS since the last progress, wherever the attempt is.
      const attemptAbort = new AbortController();
      const onAbort = () => attemptAbort.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      let deadline: NodeJS.Timeout | undefined;
      let timedOut = false;
      const armDeadline = () => {
        clearTimeout(deadline);
        deadline = setTimeout(
          () => {
            timedOut = true;
            attemptAbort.abort(new Error('the task timeout passed'));
          },
          Math.max(1, lastProgress + timeoutMs - Date.now()),
        );
      };
      armDeadline();
      const attemptSignal = attemptAbort.signal;
      try {
        const client = await agentClient(agentUrl, this.env);
        let stream: AsyncIterable<AgentEvent>;
        if (mode === 'resume' && state.remoteTaskId) {
          state.resumed = true;
          const remote = await client.getTask(state.remoteTaskId, { signal: attemptSignal });
          if (await this.reconcile(task.id, remote, state))
            return this.afterRun(task.id, agentUrl, state);
          stream = client.resubscribe(state.remoteTaskId, { signal: attemptSignal, ...answered() });
        } else if (mode === 'reply' && state.remoteTaskId) {
          const input = await outgoing.reply();
          stream = client.send(input.input, {
            contextId: task.contextId,
            taskId: state.remoteTaskId,
            messageId: input.messageId,
            signal: attemptSignal,
            ...answered(),
          });
        } else {
          // The agent has not acknowledged the task yet (or we never learned that it did).
          const input = await outgoing.send();
          stream = client.send(input.input, {
            contextId: task.contextId,
            messageId: input.messageId,
            signal: attemptSignal,
          });
        }
        let first = true;
        for await (const event of stream) {
          lastProgress = Date.now();
          armDeadline();
          attempt = 0;
          // A resubscription opens with the task as the agent has it now: its artifacts then are
          // whole, including chunks sent while nobody listened (after the GetTask above).
          if (first && event.kind === 'task' && event.artifacts?.length && state.resumed) {
            if (await this.syncArtifacts(task.id, event.artifacts, state))
              return this.afterRun(task.id, agentUrl, state);
          }
          first = false;
          if (await this.beforeEnd(task.id, event, state, client, attemptSignal))
            return this.afterRun(task.id, agentUrl, state);
          if (await this.apply(task.id, event, state))
            return this.afterRun(task.id, agentUrl, state);
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
        if (timedOut || Date.now() - lastProgress >= timeoutMs) {
          await this.fail(
            task.id,
            `${ErrorCode.AGENT_UNREACHABLE}: the agent did not answer for ${Math.round(timeoutMs / 1000)} s (${errorText(err)})`,
          );
          // It may come back and carry on with work nobody pays for any more: tell it to stop.
          if (state.remoteTaskId) this.cancels?.request(task.id, agentUrl, state.remoteTaskId);
          return;
        }
        this.log.warn(
          { error: errorText(err), taskId: task.id, attempt },
          'agent call failed; retrying',
        );
        if (state.remoteTaskId) mode = 'resume';
        const left = lastProgress + timeoutMs - Date.now();
        await sleep(Math.max(0, Math.min(200 * 2 ** attempt++, 5000, left)), signal);
      } finally {
        clearTimeout(deadline);
        signal.removeEventListener('abort', onAbort);
        attemptAbort.abort();
      }
    }
  }

  /**
   * A resumed run may have missed artifact chunks (those sent between its GetTask and its
   * resubscription, or while it was away). Before it records the end, the agent's own copy of
   * the artifacts replaces what differs; when the agent cannot be asked, the end is recorded
   * with a note that the artifacts may be incomplete, never as a silently complete result.
   * Returns true when the run is over (the task ended meanwhile).
   */
  private async beforeEnd(
    taskId: string,
    event: AgentEvent,
    state: RunState,
    client: { getTask: A2AClient['getTask'] },
    signal: AbortSignal,
  ): Promise<boolean> {
    if (!state.resumed || !state.remoteTaskId) return false;
    if (event.kind !== 'status' && event.kind !== 'task') return false;
    if (event.state !== TaskState.COMPLETED) return false;
    try {
      const remote = await client.getTask(state.remoteTaskId, { signal });
      return await this.syncArtifacts(taskId, remote.artifacts, state);
    } catch (err) {
      if (signal.aborted) throw err;
      this.log.warn({ err, taskId }, 'could not check the artifacts of a resumed run');
      state.incomplete = true;
      return false;
    }
  }

  /** Replaces each stored artifact that differs from the agent's whole copy of it. */
  private async syncArtifacts(
    taskId: string,
    artifacts: RemoteTask['artifacts'],
    state: RunState,
  ): Promise<boolean> {
    for (const a of artifacts) {
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
    return false;
  }

  /**
   * After a run: a task that was canceled while the agent still worked on it (cancelTask on a
   * replica that did not know the agent's task id yet) is canceled at the agent too.
   */
  private async afterRun(taskId: string, agentUrl: string, state: RunState) {
    if (state.endedElsewhere && state.remoteTaskId && state.current === TaskState.CANCELED) {
      this.cancels?.request(taskId, agentUrl, state.remoteTaskId);
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
    if (await this.syncArtifacts(taskId, remote.artifacts, state)) return true;
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
    if (state.incomplete && input.state === TaskState.COMPLETED && input.error === undefined) {
      input = {
        ...input,
        error: `${ARTIFACT_INCOMPLETE}: the run was resumed and the agent could not be asked for its artifacts; they may miss chunks.`,
      };
    }
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
      if (e.extensions?.code === ErrorCode.CONFLICT) {
        state.endedElsewhere = true;
        state.current = (await taskState(this.db, taskId)) ?? state.current;
        return true;
      }
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

  /** The requester's message as the agent gets it, with the message id every send of it uses. */
  private async userInput(taskId: string, which: 'first' | 'latest') {
    const m = await requesterMessage(this.db, taskId, which);
    return { input: partsToSendInput(m?.parts ?? []), messageId: m?.id };
  }
}

/** Marks a COMPLETED task whose artifacts may miss chunks (`Task.error` starts with it). */
export const ARTIFACT_INCOMPLETE = 'ARTIFACT_INCOMPLETE';

/** What a run knows of its task while it drives it. */
interface RunState {
  current: TaskState;
  remoteTaskId: string | null;
  /** The run went through a resume (GetTask + resubscribe): chunks may have been missed. */
  resumed?: boolean;
  /** The agent could not be asked for its artifacts before the end. */
  incomplete?: boolean;
  /** The task was ended by someone else (cancelTask) while this run drove it. */
  endedElsewhere?: boolean;
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
