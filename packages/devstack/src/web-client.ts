import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './process';

const run = promisify(execFile);

export const WEB_CLIENT_DIR = path.join(REPO_ROOT, 'web-client');
export const WEB_CLIENT_DIST = path.join(WEB_CLIENT_DIR, 'dist');

/** The newest modification time under `dir` (the app's sources and config). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when web-client/dist is missing or older than a source file of the app. */
export function webClientIsStale(): boolean {
  const index = path.join(WEB_CLIENT_DIST, 'index.html');
  if (!existsSync(index)) return true;
  return newestMtime(WEB_CLIENT_DIR) > statSync(index).mtimeMs;
}

/**
 * Builds the web client (Vite, a second or two) when it is missing or older than its sources;
 * `npm start` and the browser tests call it, so neither serves an out-of-date app.
 * Resolves to whether it built.
 */
export async function ensureWebClientBuilt(options: { force?: boolean } = {}): Promise<boolean> {
  if (!options.force && !webClientIsStale()) return false;
  const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  try {
    await run(
      process.execPath,
      [
        vite,
        'build',
        '--config',
        path.join(WEB_CLIENT_DIR, 'vite.config.mts'),
        '--logLevel',
        'warn',
      ],
      { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`building the web client failed:\n${e.stderr || e.stdout || e.message}`, {
      cause: err,
    });
  }
  return true;
}
