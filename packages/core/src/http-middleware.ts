import type express from 'express';
import { httpErrorResponse } from './errors';
import type { Logger } from './logger';
import { INSTANCE_HEADER } from './services';

/**
 * The last error handler of the gateway and of every subgraph: a body that is not JSON, too
 * large or in another charset, and anything a route throws, is answered
 * `{errors: [{message, extensions: {code}}]}` in every mode — never Express's HTML page, which
 * shows stack traces and file paths.
 */
export function jsonErrors(log: Logger): express.ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const { status, body } = httpErrorResponse(err);
    if (status >= 500) log.error({ err }, 'request failed');
    else log.debug({ err: (err as Error)?.message }, 'malformed request');
    res.status(status).json(body);
  };
}

/**
 * Marks the answers of the routes it is mounted on (`/health`, `/ready`) with the process's
 * instance id, so the launcher that started it knows the probe reached this very process (see
 * INSTANCE_HEADER).
 */
export function instanceHeader(instanceId: string): express.RequestHandler {
  return (_req, res, next) => {
    res.setHeader(INSTANCE_HEADER, instanceId);
    next();
  };
}
