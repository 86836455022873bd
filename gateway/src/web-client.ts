import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';

/** Paths the app never answers: the API and operations endpoints own them, now or later. */
const RESERVED = /^\/(graphql|mcp|health|ready|debug|metrics|a2a|\.well-known)(\/|$)/;

/** Options of `createWebClientRouter`. */
export interface WebClientOptions {
  /** The built app (`vite build` output: index.html and assets/). */
  dir: string;
}

/** `host[:port]` as a browser may send it; anything else never reaches a header we write. */
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Serves the web client at `/` of the gateway's origin (so the app calls `/graphql` without
 * CORS): hashed assets cached for a year, index.html never cached, every other path that is not
 * an API path answered with index.html (the app routes in the browser). A strict CSP allows
 * only this origin, plus its own ws:// and wss:// for subscriptions.
 */
export function createWebClientRouter(options: WebClientOptions) {
  const router = express.Router();
  const indexFile = path.join(options.dir, 'index.html');
  const sameOriginSockets = (req: Request) => {
    const host = req.headers.host ?? '';
    // A Host that is not a plain host[:port] gets no socket source (and cannot inject one).
    return HOST.test(host) ? `ws://${host} wss://${host}` : "'self'";
  };
  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'", (req) => sameOriginSockets(req as Request)],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // The app loads nothing cross-origin, so the strict embedder policy costs nothing.
      crossOriginEmbedderPolicy: true,
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  router.use(
    '/assets',
    express.static(path.join(options.dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      fallthrough: false,
      index: false,
    }),
  );
  router.use(
    express.static(options.dir, {
      index: false,
      maxAge: 0,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  let cached: { mtimeMs: number; html: string } | undefined;
  const sendIndex = (_req: Request, res: Response) => {
    if (!existsSync(indexFile)) {
      res
        .status(503)
        .type('text/plain')
        .send('The web client is not built yet: run `npm run build:web` (npm start does it).');
      return;
    }
    // Re-read after a rebuild; the file is small and stat is cheap.
    const { mtimeMs } = statSync(indexFile);
    if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, html: readFileSync(indexFile, 'utf8') };
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(cached.html);
  };
  router.get(/.*/, (req, res, next) => {
    if (RESERVED.test(req.path)) return next();
    sendIndex(req, res);
  });
  return router;
}
