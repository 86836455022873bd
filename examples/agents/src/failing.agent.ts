import { TaskState } from '@a2a-js/sdk';
import type { ExecutionEventBus, RequestContext } from '@a2a-js/sdk/server';
import type { ExampleAgent, ExampleExecutor } from './agent';
import { baseCard, publishStatus, publishTask, skill } from './publish';

export const FAILING_REASON =
  'This agent always fails: it exists to show how a failed task looks. Nothing was charged for the work it did not do.';

export interface FailingOptions {
  /** Serve a card with `streaming: false`, so clients send and poll. Default true (streaming). */
  streaming?: boolean;
}

/** Starts work (WORKING) and then FAILS with an AGENT message explaining why. */
export class FailingExecutor implements ExampleExecutor {
  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const ref = publishTask(bus, ctx);
    publishStatus(bus, ref, TaskState.TASK_STATE_WORKING, 'Starting…');
    publishStatus(bus, ref, TaskState.TASK_STATE_FAILED, FAILING_REASON);
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    // Never running long enough to cancel; answer anyway so a cancel call cannot hang.
    publishStatus(bus, { taskId, contextId: '' }, TaskState.TASK_STATE_CANCELED);
  }
}

export const failingAgent: ExampleAgent<FailingOptions> = {
  card: (rpcUrl, options) =>
    baseCard(rpcUrl, {
      name: 'Failing',
      description: 'Always fails, with an explanation: for testing failure handling.',
      streaming: options?.streaming ?? true,
      skills: [
        skill('fail', 'Fail', 'Reports WORKING, then FAILED.', ['failure', 'demo'], ['do it']),
      ],
    }),
  createExecutor: () => new FailingExecutor(),
};
