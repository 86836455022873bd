import { setTimeout as sleep } from 'node:timers/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/*
 * Long-running tools: `slow_count` reports progress once per step (when the caller asked for
 * progress with a progressToken), `hang` never answers until the request is cancelled or the
 * server stops. Both stop as soon as the request's signal aborts.
 */

export function createSlowServer(): McpServer {
  const server = new McpServer({ name: 'slow', version: '1.0.0' });
  server.registerTool(
    'slow_count',
    {
      title: 'Count slowly',
      description: 'Counts to `steps`, waiting `stepMs` per step and reporting progress each step.',
      inputSchema: {
        steps: z.number().int().min(1).max(50).describe('How far to count.'),
        stepMs: z.number().int().min(0).max(10_000).default(200).describe('Wait per step.'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ steps, stepMs }, extra) => {
      const progressToken = extra._meta?.progressToken;
      for (let step = 1; step <= steps; step++) {
        await sleep(stepMs, undefined, { signal: extra.signal });
        if (progressToken !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: {
              progressToken,
              progress: step,
              total: steps,
              message: `step ${step} of ${steps}`,
            },
          });
        }
      }
      return { content: [{ type: 'text' as const, text: `counted ${steps}` }] };
    },
  );
  server.registerTool(
    'hang',
    {
      title: 'Hang',
      description: 'Never answers; ends only when the request is cancelled or the server stops.',
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (extra) => {
      await new Promise<void>((resolve) => {
        if (extra.signal.aborted) resolve();
        else extra.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return { content: [{ type: 'text' as const, text: 'cancelled' }] };
    },
  );
  return server;
}
