import { TaskState } from '@a2a-js/sdk';
import type { ExecutionEventBus, RequestContext } from '@a2a-js/sdk/server';
import type { ExampleAgent, ExampleExecutor } from './agent';
import { baseCard, publishStatus, publishTask, skill, userText, type TaskRef } from './publish';

export const INTERVIEWER_QUESTION = 'What is your name?';

/**
 * A two-turn conversation: the first message gets the question (INPUT_REQUIRED), the reply in
 * the same task gets a greeting (COMPLETED). An empty reply is asked again.
 */
export class InterviewerExecutor implements ExampleExecutor {
  // Tasks waiting for an answer: cancelTask needs their context id.
  private readonly waiting = new Map<string, TaskRef>();

  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const ref = publishTask(bus, ctx);
    const answer = ctx.task ? userText(ctx) : '';
    if (!answer) {
      this.waiting.set(ref.taskId, ref);
      publishStatus(bus, ref, TaskState.TASK_STATE_INPUT_REQUIRED, INTERVIEWER_QUESTION);
      return;
    }
    this.waiting.delete(ref.taskId);
    publishStatus(bus, ref, TaskState.TASK_STATE_COMPLETED, `Nice to meet you, ${answer}`);
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    const ref = this.waiting.get(taskId) ?? { taskId, contextId: '' };
    this.waiting.delete(taskId);
    publishStatus(bus, ref, TaskState.TASK_STATE_CANCELED, 'Interview canceled.');
  }

  shutdown(): void {
    this.waiting.clear();
  }
}

export const interviewerAgent: ExampleAgent<Record<string, never>> = {
  card: (rpcUrl) =>
    baseCard(rpcUrl, {
      name: 'Interviewer',
      description: 'Asks for your name, waits for your reply, then greets you.',
      streaming: true,
      skills: [
        skill(
          'greet',
          'Greeting interview',
          'Asks a question and needs a reply in the same task (INPUT_REQUIRED).',
          ['multi-turn', 'input-required', 'demo'],
          ['hi'],
        ),
      ],
    }),
  createExecutor: () => new InterviewerExecutor(),
};
