import type { AgentStub } from './agent.stub';

export const agentReference = {
  __resolveReference: (ref: { id: string }): AgentStub => ({ id: ref.id }),
};
