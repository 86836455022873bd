import { TaskState } from '@a2a-js/sdk';
import type { ExecutionEventBus, RequestContext } from '@a2a-js/sdk/server';
import { pause, RunningTasks, type ExampleAgent, type ExampleExecutor } from './agent';
import { baseCard, publishArtifact, publishStatus, publishTask, skill, userText } from './publish';

export interface SlowpokeOptions {
  /** How long the work takes. Default 1000 ms. */
  delayMs?: number;
}

/**
 * A non-streaming agent (its card says `streaming: false`): clients send with `SendMessage` and
 * poll `GetTask`. Works for `delayMs`, then returns the artifact `result` and COMPLETES.
 */
export class SlowpokeExecutor implements ExampleExecutor {
  private readonly running = new RunningTasks();
  private readonly delayMs: number;

  constructor(options: SlowpokeOptions = {}) {
    this.delayMs = options.delayMs ?? 1000;
  }

  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const ref = publishTask(bus, ctx);
    const signal = this.running.start(ref);
    try {
      publishStatus(bus, ref, TaskState.TASK_STATE_WORKING, 'Thinking it over…');
      if (!(await pause(this.delayMs, signal))) return;
      const text = userText(ctx);
      publishArtifact(bus, ref, {
        artifactId: 'result',
        name: 'result',
        text: `After ${this.delayMs} ms of thought: ${text || '(nothing was asked)'}`,
      });
      publishStatus(bus, ref, TaskState.TASK_STATE_COMPLETED, 'Done, eventually.');
    } finally {
      this.running.finish(ref.taskId);
    }
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    const ref = this.running.abort(taskId) ?? { taskId, contextId: '' };
    publishStatus(bus, ref, TaskState.TASK_STATE_CANCELED, 'Stopped thinking.');
  }

  shutdown(): void {
    this.running.abortAll();
  }
}

export const slowpokeAgent: ExampleAgent<SlowpokeOptions> = {
  card: (rpcUrl) =>
    baseCard(rpcUrl, {
      name: 'Slowpoke',
      description: 'Takes its time and does not stream: clients poll for the result.',
      streaming: false,
      skills: [
        skill(
          'ponder',
          'Ponder',
          'Answers after a delay; for testing the polling path.',
          ['polling', 'demo'],
          ['what is the answer?'],
        ),
      ],
    }),
  createExecutor: (options) => new SlowpokeExecutor(options),
};
