import { TaskState } from '@a2a-js/sdk';
import type { ExecutionEventBus, RequestContext } from '@a2a-js/sdk/server';
import { pause, RunningTasks, type ExampleAgent, type ExampleExecutor } from './agent';
import { baseCard, publishArtifact, publishStatus, publishTask, skill, userText } from './publish';

export interface WorkerOptions {
  /** How many steps the work takes. Default 5. */
  steps?: number;
  /** How long one step takes. Default 1000 ms. */
  stepMs?: number;
  /**
   * End each progress message with ` @<epoch ms>` of the moment the agent published it, so a
   * benchmark can measure agent-to-subscriber latency. Default false.
   */
  timestamps?: boolean;
}

/**
 * A long-running job: one WORKING status "step i/N" per step, the artifact `report` streamed one
 * line per step (append after the first chunk, lastChunk on the final one), then COMPLETED.
 * Cancelable at any moment: the current step is abandoned and nothing is published after
 * CANCELED.
 */
export class WorkerExecutor implements ExampleExecutor {
  private readonly running = new RunningTasks();
  private readonly steps: number;
  private readonly stepMs: number;
  private readonly timestamps: boolean;

  constructor(options: WorkerOptions = {}) {
    this.steps = options.steps ?? 5;
    this.stepMs = options.stepMs ?? 1000;
    this.timestamps = options.timestamps ?? false;
  }

  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const ref = publishTask(bus, ctx);
    const job = userText(ctx) || 'the job';
    const signal = this.running.start(ref);
    try {
      for (let i = 1; i <= this.steps; i++) {
        if (!(await pause(this.stepMs, signal))) return;
        const stamp = this.timestamps ? ` @${Date.now()}` : '';
        publishStatus(bus, ref, TaskState.TASK_STATE_WORKING, `step ${i}/${this.steps}${stamp}`);
        publishArtifact(bus, ref, {
          artifactId: 'report',
          name: 'report',
          description: `Progress report for ${job}`,
          text: `step ${i}/${this.steps} done\n`,
          append: i > 1,
          lastChunk: i === this.steps,
        });
      }
      publishStatus(bus, ref, TaskState.TASK_STATE_COMPLETED, `Finished ${job}.`);
    } finally {
      this.running.finish(ref.taskId);
    }
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    const ref = this.running.abort(taskId) ?? { taskId, contextId: '' };
    publishStatus(bus, ref, TaskState.TASK_STATE_CANCELED, 'Work stopped at your request.');
  }

  shutdown(): void {
    this.running.abortAll();
  }
}

export const workerAgent: ExampleAgent<WorkerOptions> = {
  card: (rpcUrl) =>
    baseCard(rpcUrl, {
      name: 'Worker',
      description: 'Works through a job in steps, reporting progress and a streamed report.',
      streaming: true,
      skills: [
        skill(
          'work',
          'Long job',
          'Runs a multi-step job and streams a report; can be canceled.',
          ['long-running', 'progress', 'demo'],
          ['compile the quarterly numbers'],
        ),
      ],
    }),
  createExecutor: (options) => new WorkerExecutor(options),
};
