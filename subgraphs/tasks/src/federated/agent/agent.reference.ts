import type { AgentStub } from './agent.stub';

/** Any agent id resolves to its stub: `Agent.tasks` decides what the caller may see. */
export const agentReference = {
  __resolveReference: (ref: { id: string }): AgentStub => ({ id: ref.id }),
};
