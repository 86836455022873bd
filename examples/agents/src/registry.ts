import type { ExampleAgent } from './agent';
import { echoAgent } from './echo.agent';
import { failingAgent } from './failing.agent';
import { interviewerAgent } from './interviewer.agent';
import { slowpokeAgent } from './slowpoke.agent';
import { recapAgent } from './recap.agent';
import { brokenAgent } from './broken.agent';
import { workerAgent } from './worker.agent';

/**
 * Every example agent with the port `npm start` serves it on. The order is the order of
 * `startExampleAgents`, which also numbers ports from a `basePort` in this order.
 */
export const EXAMPLE_AGENTS = {
  echo: { defaultPort: 4101, agent: echoAgent },
  worker: { defaultPort: 4102, agent: workerAgent },
  interviewer: { defaultPort: 4103, agent: interviewerAgent },
  failing: { defaultPort: 4104, agent: failingAgent },
  slowpoke: { defaultPort: 4105, agent: slowpokeAgent },
  recap: { defaultPort: 4106, agent: recapAgent },
  broken: { defaultPort: 4107, agent: brokenAgent },
} as const;

export type ExampleAgentName = keyof typeof EXAMPLE_AGENTS;

/** The options one agent accepts, e.g. `{ steps, stepMs }` for `worker`. */
export type ExampleAgentOptions<N extends ExampleAgentName> =
  (typeof EXAMPLE_AGENTS)[N]['agent'] extends ExampleAgent<infer O> ? O : never;

export const EXAMPLE_AGENT_NAMES = Object.keys(EXAMPLE_AGENTS) as ExampleAgentName[];

export const isExampleAgentName = (name: string): name is ExampleAgentName =>
  Object.hasOwn(EXAMPLE_AGENTS, name);
