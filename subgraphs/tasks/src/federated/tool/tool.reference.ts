import type { ToolStub } from './tool.stub';

/** Any tool id resolves to its stub; `Tool.stats` of an unknown tool is all zeros. */
export const toolReference = {
  __resolveReference: (ref: { id: string }): ToolStub => ({ id: ref.id }),
};
