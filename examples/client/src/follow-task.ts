import WebSocket from 'ws';
import { createAgentryClient } from '@agentry/client';
import { startTcpProxy } from '@agentry/testing';

/**
 * Hires an agent with @agentry/client and follows its task live, printing every event once,
 * while the network is cut under it: after the third event every connection to the gateway is
 * dropped and new ones are refused for a moment. The SDK reconnects by itself and resumes from
 * its last cursor, so the printed sequence has no gap and no duplicate.
 *
 *   npm start                                    # in another terminal
 *   npm run follow-task -w examples/client       # or: node -r ./scripts/register.js examples/client/src/follow-task.ts
 *
 * Environment: AGENTRY_URL (default http://127.0.0.1:4000/graphql), AGENTRY_EMAIL and
 * AGENTRY_PASSWORD (default the demo user grace@agentry.dev), AGENTRY_AGENT (default Worker).
 */
export async function followTaskThroughDisconnect(options: {
  url: string;
  email: string;
  password: string;
  agentName: string;
  print?: (line: string) => void;
}) {
  const print = options.print ?? console.log;
  const gateway = new URL(options.url);
  // The cut is made by a local TCP proxy between this script and the gateway.
  const proxy = await startTcpProxy(Number(gateway.port || 80), gateway.hostname);
  const agentry = createAgentryClient({
    url: `${proxy.url}${gateway.pathname}`,
    webSocketImpl: WebSocket, // Node 20 has no global WebSocket
  });
  try {
    const me = await agentry.signIn(options.email, options.password);
    print(`signed in as ${me.user.name}`);
    const found = await agentry.agents({ search: options.agentName, first: 5 });
    const agent = found?.edges.map((e) => e.node).find((a) => a.name === options.agentName);
    if (!agent) throw new Error(`no agent named ${options.agentName}`);
    const task = await agentry.hire(agent.id, { text: 'a job that survives a network cut' });
    print(`hired ${agent.name} (${agent.priceCredits} credits): task ${task.id}`);

    const sequences: number[] = [];
    for await (const event of agentry.followTask(task.id, {
      onStatus: (s) => {
        if (s.state === 'reconnecting')
          print(`  … reconnecting (attempt ${s.attempt}: ${s.reason})`);
      },
    })) {
      sequences.push(event.sequence);
      print(
        `#${event.sequence} ${event.kind} ${event.state ?? ''} ${event.message?.text ?? ''}`.trim(),
      );
      if (sequences.length === 3) {
        print('  ✂ cutting the connection');
        proxy.pause();
        proxy.dropAll();
        setTimeout(() => proxy.resume(), 1500);
      }
    }
    const final = await agentry.task(task.id);
    print(`task ${final?.state}, cost ${final?.cost ?? 'not settled yet'}`);
    return { taskId: task.id, sequences, state: final?.state };
  } finally {
    await agentry.close();
    await proxy.stop();
  }
}

if (require.main === module) {
  followTaskThroughDisconnect({
    url: process.env.AGENTRY_URL ?? 'http://127.0.0.1:4000/graphql',
    email: process.env.AGENTRY_EMAIL ?? 'grace@agentry.dev',
    password: process.env.AGENTRY_PASSWORD ?? 'agentry-demo',
    agentName: process.env.AGENTRY_AGENT ?? 'Worker',
  }).then(
    ({ sequences }) => {
      const gapless = sequences.every((s, i) => s === i + 1);
      console.log(
        `${sequences.length} events, ${gapless ? 'none missed, none twice' : 'NOT contiguous'}`,
      );
      process.exit(gapless ? 0 : 1);
    },
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
