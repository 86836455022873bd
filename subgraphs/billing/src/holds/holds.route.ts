import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { AppError, ErrorCode, IDENTITY_HEADER, type Identity } from '@agentry/core';
import type { Consumer } from '@agentry/events';
import { isUuid, type SubgraphDeps } from '@agentry/subgraph-kit';
import { catchUpCommitted } from '../catch-up';
import { availableOf, hold, holdState, release } from '../ledger/ledger.store';

/** The largest price a task may hold (the agents subgraph caps prices the same way). */
const MAX_HOLD_CREDITS = 1_000_000;

const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.INSUFFICIENT_CREDITS]: 402,
};

function sendError(res: Response, code: ErrorCode, message: string, extra = {}) {
  res.status(STATUS[code] ?? 500).json({ ...extra, code, message });
}

/** Caller-caused errors pass with their message and extensions; anything else is logged. */
function sendFailure(res: Response, deps: SubgraphDeps, err: unknown, what: string) {
  if (err instanceof AppError) {
    const { code, ...extensions } = err.extensions as { code: ErrorCode };
    if (STATUS[code]) return sendError(res, code, err.message, extensions);
  }
  deps.log.error({ err }, `${what} failed`);
  sendError(res, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error.');
}

interface HoldLocals {
  identity: Identity & { userId: string };
}

/**
 * The caller must be the end user whose task this is: the gateway-signed identity the tasks
 * subgraph forwards from sendTask or callTool. Credits move only on that user's own wallet, and
 * only with a session or an API key allowed to do what is paid for (`?for=toolCall`: tools:call,
 * else tasks:write).
 */
function requireTaskWriter(deps: SubgraphDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const header = req.headers[IDENTITY_HEADER];
      const identity = await deps.verifyIdentity(Array.isArray(header) ? header[0] : header);
      if (!identity?.userId) {
        sendError(
          res,
          ErrorCode.UNAUTHENTICATED,
          "Credits are held with the requesting user's gateway-signed identity.",
        );
        return;
      }
      // The scope of the operation that holds: sendTask's tasks:write, callTool's tools:call.
      const scope = req.query.for === 'toolCall' ? 'tools:call' : 'tasks:write';
      const allowed =
        identity.via === 'session' ||
        (identity.via === 'apiKey' && (identity.scopes ?? []).includes(scope));
      if (!allowed) {
        sendError(res, ErrorCode.FORBIDDEN, `Holding credits for this needs scope ${scope}.`);
        return;
      }
      res.locals.identity = { ...identity, userId: identity.userId.toLowerCase() };
      next();
    } catch (err) {
      sendFailure(res, deps, err, 'identity check');
    }
  };
}

const identityOf = (res: Response) => (res.locals as HoldLocals).identity;

/** Turns body-parser failures (bad JSON, too large) into the API's JSON errors. */
function bodyErrors(deps: SubgraphDeps) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const type = (err as { type?: string })?.type;
    if (type === 'entity.too.large') {
      res.status(413).json({ code: ErrorCode.BAD_USER_INPUT, message: 'The body is too large.' });
      return;
    }
    if (type === 'entity.parse.failed' || type === 'encoding.unsupported') {
      sendError(res, ErrorCode.BAD_USER_INPUT, 'The body must be a JSON object.');
      return;
    }
    sendFailure(res, deps, err, 'request');
  };
}

/** `{taskId, amount}` and nothing else; the wallet comes from the identity, never the body. */
function parseHoldBody(body: unknown): { taskId: string; amount: number } | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return 'The body must be a JSON object {taskId, amount}.';
  const extra = Object.keys(body).filter((k) => k !== 'taskId' && k !== 'amount');
  if (extra.length) return `Unknown field(s): ${extra.slice(0, 5).join(', ')}.`.slice(0, 200);
  const { taskId, amount } = body as { taskId?: unknown; amount?: unknown };
  if (!isUuid(taskId)) return 'taskId must be a task id (UUID).';
  if (
    typeof amount !== 'number' ||
    !Number.isInteger(amount) ||
    amount < 0 ||
    amount > MAX_HOLD_CREDITS
  )
    return `amount must be a whole number of credits from 0 to ${MAX_HOLD_CREDITS}.`;
  return { taskId: taskId.toLowerCase(), amount };
}

/**
 * The tasks subgraph's synchronous half of paying for a task (the settlement happens later,
 * from task events):
 * - `POST /internal/holds {taskId, amount}` reserves the price on the caller's wallet, once per
 *   task -> `{taskId, amount, available}`;
 * - `POST /internal/holds/:taskId/release` undoes it when the task could not be recorded ->
 *   `{released}`.
 */
export function holdsRoutes(app: express.Express, deps: SubgraphDeps, welcomeGrants: Consumer) {
  const auth = requireTaskWriter(deps);

  app.post(
    '/internal/holds',
    auth,
    express.json({ limit: '4kb' }),
    async (req: Request, res: Response) => {
      const parsed = parseHoldBody(req.body);
      if (typeof parsed === 'string') return sendError(res, ErrorCode.BAD_USER_INPUT, parsed);
      const { taskId, amount } = parsed;
      const { userId } = identityOf(res);
      try {
        // A free task holds nothing: no entry, and nothing to settle later.
        if (amount === 0) {
          // ...unless the task id already holds a price: its capture would charge that.
          if (await holdState(deps.dataSource, taskId))
            return sendError(
              res,
              ErrorCode.CONFLICT,
              `Task ${taskId} already holds credits with other parameters.`,
            );
          res.json({
            taskId,
            amount,
            available: (await availableOf(deps.dataSource, userId)) ?? 0,
          });
          return;
        }
        const result = await hold(deps.dataSource, { userId, taskId, amount }).catch(
          async (err: unknown) => {
            const nothingAvailable =
              err instanceof AppError &&
              err.extensions.code === ErrorCode.INSUFFICIENT_CREDITS &&
              err.extensions.available === 0;
            if (!nothingAvailable) throw err;
            // No wallet may mean a sign-up a moment ago whose welcome grant is still in the
            // events log; the consumer may also have opened it since the hold looked.
            const now = await availableOf(deps.dataSource, userId);
            if (now === 0) throw err;
            if (now === null) {
              await catchUpCommitted(welcomeGrants, deps.dataSource);
            }
            return hold(deps.dataSource, { userId, taskId, amount });
          },
        );
        if (result.replayed) {
          // A retry answers as the first call did, unless the hold is already spent: then the
          // task must not start as if it were paid for.
          const state = await holdState(deps.dataSource, taskId);
          if (state?.released || state?.captured)
            return sendError(
              res,
              ErrorCode.CONFLICT,
              `The hold of task ${taskId} was already ${state.captured ? 'captured' : 'released'}; use a new task id.`,
            );
        }
        res.json({
          taskId,
          amount: result.entry.amount,
          available: result.wallet.balance - result.wallet.held,
        });
      } catch (err) {
        sendFailure(res, deps, err, 'hold');
      }
    },
    bodyErrors(deps),
  );

  app.post('/internal/holds/:taskId/release', auth, async (req: Request, res: Response) => {
    const taskId = req.params.taskId;
    if (typeof taskId !== 'string' || !isUuid(taskId))
      return sendError(res, ErrorCode.BAD_USER_INPUT, 'taskId must be a task id (UUID).');
    const { userId } = identityOf(res);
    try {
      const state = await holdState(deps.dataSource, taskId);
      // Nothing of this user's to release: the hold never happened, or is someone else's
      // (which this caller may not learn about).
      if (!state || state.userId !== userId) return res.json({ released: false });
      if (state.captured)
        return sendError(
          res,
          ErrorCode.CONFLICT,
          `Task ${taskId} was already paid for; its hold cannot be released.`,
        );
      await release(deps.dataSource, {
        taskId,
        reason: 'Released by the tasks service: the task was not recorded',
      });
      res.json({ released: true });
    } catch (err) {
      sendFailure(res, deps, err, 'release');
    }
  });
}
