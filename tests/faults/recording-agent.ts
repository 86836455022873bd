import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  createExampleAgentApp,
  EXAMPLE_AGENTS,
  JSON_RPC_PATH,
  type ExampleAgent,
  type WorkerOptions,
} from '@agentry/example-agents';

/** One JSON-RPC call the agent received. */
export interface ReceivedCall {
  method: string;
  /** The A2A message id of a send. */
  messageId?: string;
  contextId?: string;
  /** The agent's task id a call names (a reply, GetTask, CancelTask, SubscribeToTask). */
  taskId?: string;
  at: number;
}

export interface RecordingAgent {
  url: string;
  calls: ReceivedCall[];
  /**
   * Holds every JSON-RPC request from now on without answering (as a process stopped with
   * SIGSTOP would: connections open, nothing happens), until `thaw()`, which lets them through
   * in order. The agent's card stays readable.
   */
  freeze(): void;
  thaw(): void;
  /**
   * Holds the next request whose JSON-RPC method matches (others pass): `arrived` resolves when
   * it came, `release()` lets it through.
   */
  holdNext(method: RegExp): { arrived: Promise<void>; release(): void };
  /** Cuts the connection of the next `n` requests whose method matches (a flaky network). */
  dropNext(method: RegExp, n: number): void;
  /** First sends (no task id) per A2A context: how often the agent was asked to start work. */
  sendsByContext(): Map<string, { calls: number; messageIds: Set<string> }>;
  stop(): Promise<void>;
}

/**
 * The example `worker` agent (examples/agents, the real A2A server of the SDK) behind a thin
 * layer that records each JSON-RPC call and can freeze: what a fault test needs to see how
 * often the platform asked for work, with which message ids, and what it does to a hung agent.
 */
export async function startRecordingWorker(options: WorkerOptions): Promise<RecordingAgent> {
  const agent = EXAMPLE_AGENTS.worker.agent as unknown as ExampleAgent<object>;
  const executor = agent.createExecutor(options);
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const calls: ReceivedCall[] = [];
  let frozen = false;
  let held: (() => void)[] = [];
  let hold: { method: RegExp; arrive: () => void; wait: Promise<void> } | null = null;
  let drop: { method: RegExp; left: number } | null = null;

  const app = express();
  app.use(JSON_RPC_PATH, express.json({ limit: '5mb' }), (req, _res, next) => {
    const body = req.body as { method?: string; params?: Record<string, any> } | undefined;
    const params = body?.params ?? {};
    const message = params.message as Record<string, any> | undefined;
    calls.push({
      method: String(body?.method ?? ''),
      messageId: message?.messageId || undefined,
      contextId: message?.contextId || undefined,
      taskId: message?.taskId || params.id || undefined,
      at: Date.now(),
    });
    // Writes of a response (an SSE stream already open) stall while frozen, too.
    const res = _res;
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => unknown;
    res.write = ((...a: unknown[]) => {
      if (!frozen) return write(...a);
      held.push(() => void write(...a));
      return true;
    }) as typeof res.write;
    res.end = ((...a: unknown[]) => {
      if (!frozen) return end(...a);
      held.push(() => void end(...a));
      return res;
    }) as typeof res.end;
    if (drop && drop.left > 0 && drop.method.test(String(body?.method ?? ''))) {
      drop.left--;
      req.socket.destroy();
      return;
    }
    if (hold && hold.method.test(String(body?.method ?? ''))) {
      const { arrive, wait } = hold;
      hold = null;
      arrive();
      void wait.then(() => next());
      return;
    }
    if (frozen) held.push(() => next());
    else next();
  });
  app.use(createExampleAgentApp(agent, executor, url));
  server.on('request', app);

  return {
    url,
    calls,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      const waiting = held;
      held = [];
      for (const go of waiting) go();
    },
    dropNext(method, n) {
      drop = { method, left: n };
    },
    holdNext(method) {
      let arrive = () => {};
      let release = () => {};
      const arrived = new Promise<void>((r) => (arrive = r));
      const wait = new Promise<void>((r) => (release = r));
      hold = { method, arrive, wait };
      return { arrived, release };
    },
    sendsByContext() {
      const out = new Map<string, { calls: number; messageIds: Set<string> }>();
      for (const c of calls) {
        if (!/SendMessage|SendStreamingMessage|message\/send|message\/stream/i.test(c.method))
          continue;
        if (c.taskId || !c.contextId) continue;
        const entry = out.get(c.contextId) ?? { calls: 0, messageIds: new Set<string>() };
        entry.calls++;
        if (c.messageId) entry.messageIds.add(c.messageId);
        out.set(c.contextId, entry);
      }
      return out;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        frozen = false;
        held = [];
        executor.shutdown?.();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
