import { TaskState } from '@a2a-js/sdk';
import type { ExecutionEventBus, RequestContext } from '@a2a-js/sdk/server';
import { pause, RunningTasks, type ExampleAgent, type ExampleExecutor } from './agent';
import { baseCard, publishArtifact, publishStatus, publishTask, skill, userText } from './publish';

export interface EchoOptions {
  /** Pause between two words, so the stream is visible to a person. Default 50 ms. */
  wordDelayMs?: number;
}

/**
 * Streams the user's text back one word per WORKING status message, then returns it whole as
 * the artifact `echo` and completes. Empty input is REJECTED.
 */
export class EchoExecutor implements ExampleExecutor {
  private readonly running = new RunningTasks();
  private readonly wordDelayMs: number;

  constructor(options: EchoOptions = {}) {
    this.wordDelayMs = options.wordDelayMs ?? 50;
  }

  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const ref = publishTask(bus, ctx);
    const text = userText(ctx);
    if (!text) {
      publishStatus(bus, ref, TaskState.TASK_STATE_REJECTED, 'Send some text and I will echo it.');
      return;
    }
    const signal = this.running.start(ref);
    try {
      for (const word of text.split(/\s+/)) {
        if (!(await pause(this.wordDelayMs, signal))) return;
        publishStatus(bus, ref, TaskState.TASK_STATE_WORKING, word);
      }
      publishArtifact(bus, ref, { artifactId: 'echo', name: 'echo', text });
      publishStatus(bus, ref, TaskState.TASK_STATE_COMPLETED, text);
    } finally {
      this.running.finish(ref.taskId);
    }
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    const ref = this.running.abort(taskId) ?? { taskId, contextId: '' };
    publishStatus(bus, ref, TaskState.TASK_STATE_CANCELED, 'Echo canceled.');
  }

  shutdown(): void {
    this.running.abortAll();
  }
}

export const echoAgent: ExampleAgent<EchoOptions> = {
  card: (rpcUrl) =>
    baseCard(rpcUrl, {
      name: 'Echo',
      description: 'Repeats your text back, word by word, then as an artifact.',
      streaming: true,
      skills: [
        skill('echo', 'Echo', 'Echoes the text it is sent.', ['echo', 'demo'], ['hello world']),
      ],
    }),
  createExecutor: (options) => new EchoExecutor(options),
};
