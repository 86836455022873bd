import type express from 'express';
import { httpErrorResponse, type Logger } from '@agentry/core';

/**
 * The gateway's last error handler: a body that is not JSON, too large or in another charset
 * (and anything a route throws) is answered `{errors: [{message, extensions: {code}}]}` in
 * every mode — never Express's HTML page, which shows stack traces and file paths.
 */
export function jsonErrors(log: Logger): express.ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const { status, body } = httpErrorResponse(err);
    if (status >= 500) log.error({ err }, 'request failed');
    res.status(status).json(body);
  };
}
