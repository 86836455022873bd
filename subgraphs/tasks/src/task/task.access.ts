import { isAdmin, type SubgraphContext } from '@agentry/subgraph-kit';
import type { Task } from './task.entity';

/** Signed in, and an API key (if that is how) carries tasks:read. */
export const mayReadTasks = (ctx: SubgraphContext) =>
  !!ctx.identity.userId && (!ctx.identity.scopes || ctx.identity.scopes.includes('tasks:read'));

/** The requester, the agent's provider and admins see a task; nobody else learns anything. */
export const canSeeTask = (ctx: SubgraphContext, task: Task) =>
  mayReadTasks(ctx) &&
  (isAdmin(ctx) ||
    task.requesterId === ctx.identity.userId ||
    task.providerId === ctx.identity.userId);
