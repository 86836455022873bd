import { TaskState } from '@a2a-js/sdk';
import { AgentEvent, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server';
import type { ExampleAgent, ExampleExecutor } from './agent';
import { baseCard, publishStatus, publishTask, skill, userText, type TaskRef } from './publish';

export const RECAP_QUESTION = 'Which city should the recap be about?';

export interface RecapOptions {
  /** Serve a card with `streaming: false`, so clients send and poll. Default true (streaming). */
  streaming?: boolean;
}

/**
 * A two-turn conversation like the interviewer's, but a follow-up turn opens the way the spec
 * allows and some agents do: it first re-publishes the stored task exactly as it stood (still
 * INPUT_REQUIRED, still carrying the earlier question), and only then reports WORKING and
 * COMPLETED. A client that takes that first snapshot for the answer to its reply stops
 * following a task that is about to complete.
 */
export class RecapExecutor implements ExampleExecutor {
  private readonly waiting = new Map<string, TaskRef>();

  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    if (!ctx.task) {
      const ref = publishTask(bus, ctx);
      this.waiting.set(ref.taskId, ref);
      publishStatus(bus, ref, TaskState.TASK_STATE_INPUT_REQUIRED, RECAP_QUESTION);
      return;
    }
    // The task as it stood: INPUT_REQUIRED with the question the reply answers.
    bus.publish(AgentEvent.task(ctx.task));
    const ref = { taskId: ctx.taskId, contextId: ctx.contextId };
    this.waiting.delete(ref.taskId);
    const city = userText(ctx) || 'nowhere in particular';
    publishStatus(bus, ref, TaskState.TASK_STATE_WORKING, `Writing the recap of ${city}…`);
    publishStatus(bus, ref, TaskState.TASK_STATE_COMPLETED, `Recap of ${city}: all quiet.`);
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    const ref = this.waiting.get(taskId) ?? { taskId, contextId: '' };
    this.waiting.delete(taskId);
    publishStatus(bus, ref, TaskState.TASK_STATE_CANCELED, 'Recap canceled.');
  }

  shutdown(): void {
    this.waiting.clear();
  }
}

export const recapAgent: ExampleAgent<RecapOptions> = {
  card: (rpcUrl, options) =>
    baseCard(rpcUrl, {
      name: 'Recap',
      description:
        'Asks which city to recap, then writes the recap. Opens its reply turn with the task as it stood.',
      streaming: options?.streaming ?? true,
      skills: [
        skill(
          'recap',
          'City recap',
          'Asks a question (INPUT_REQUIRED); the reply re-sends the old snapshot first, then completes.',
          ['multi-turn', 'input-required', 'demo'],
          ['recap please'],
        ),
      ],
    }),
  createExecutor: () => new RecapExecutor(),
};
