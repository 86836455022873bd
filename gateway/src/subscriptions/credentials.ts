import WebSocket from 'ws';
import type { Identity, Logger, Role } from '@agentry/core';
import type { CredentialChecker, CredentialStatus } from '../authenticate';

/** graphql-ws's "Forbidden" close code: the client must authenticate again. */
export const CREDENTIALS_CLOSE_CODE = 4403;

/** Ids per request to the users subgraph (its `MAX_CREDENTIAL_IDS`). */
const BATCH = 1000;

export interface CredentialWatchOptions {
  /** Asks the users subgraph about keys and users (without it only expiry is enforced). */
  check?: CredentialChecker;
  /** How often open sockets are re-checked, in ms (default 2000). */
  intervalMs?: number;
  /** Called with every answer, before sockets are judged (keeps caches of roles fresh). */
  onStatus?: (status: CredentialStatus) => void;
  log: Logger;
}

interface Watched {
  socket: WebSocket;
  identity: Identity;
  /** When the session token expires (ms since the epoch), or null. */
  expiresAt: number | null;
  timer?: NodeJS.Timeout;
  /** Closed for its credentials: nothing more may run on it. */
  refused: boolean;
}

/** Roles the identity holds that the user no longer has. */
const lostRoles = (held: readonly Role[], now: readonly Role[]) =>
  held.filter((r) => !now.includes(r));

/**
 * Keeps the credentials of open WebSockets honest: every `intervalMs` the API keys and session
 * users of all open sockets are re-checked with the users subgraph (so a revocation on any
 * replica reaches this one), and a socket whose key was revoked, whose user lost a role it
 * holds, or whose session expired is closed with 4403. Until the check answers, sockets stay
 * open (an outage of the users subgraph does not drop every client).
 */
export function createCredentialWatch(options: CredentialWatchOptions) {
  const { log } = options;
  const watched = new Map<WebSocket, Watched>();
  let sweeping = false;
  const intervalMs = options.intervalMs ?? 2000;
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();

  function refuse(w: Watched, reason: string) {
    w.refused = true;
    forget(w.socket);
    if (w.socket.readyState === WebSocket.OPEN || w.socket.readyState === WebSocket.CONNECTING)
      w.socket.close(CREDENTIALS_CLOSE_CODE, reason);
  }

  function forget(socket: WebSocket) {
    const w = watched.get(socket);
    if (!w) return;
    clearTimeout(w.timer);
    watched.delete(socket);
  }

  /**
   * A session that ends before the next sweep gets a timer for its exact end (only those: a
   * timer per socket for a far expiry costs more than it is worth with thousands of sockets).
   */
  function timeExpiry(w: Watched) {
    if (w.expiresAt === null || w.timer) return;
    const ms = w.expiresAt - Date.now();
    if (ms <= intervalMs * 1.5) (w.timer = setTimeout(() => expire(w), ms)).unref();
  }

  const expired = (w: Watched) => w.expiresAt !== null && w.expiresAt <= Date.now();
  const expire = (w: Watched) => refuse(w, 'The session expired: sign in again.');

  async function sweep() {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const w of [...watched.values()]) {
        if (expired(w)) expire(w);
        else timeExpiry(w);
      }
      const open = [...watched.values()].filter((w) => w.identity.userId);
      const apiKeyIds = [...new Set(open.flatMap((w) => w.identity.apiKeyId ?? []))];
      const userIds = [
        ...new Set(open.filter((w) => !w.identity.apiKeyId).map((w) => w.identity.userId!)),
      ];
      if (!options.check || (!apiKeyIds.length && !userIds.length)) return;
      const status: CredentialStatus = { apiKeys: {}, users: {} };
      for (let i = 0; i < Math.max(apiKeyIds.length, userIds.length); i += BATCH) {
        const part = await options.check({
          apiKeyIds: apiKeyIds.slice(i, i + BATCH),
          userIds: userIds.slice(i, i + BATCH),
        });
        Object.assign(status.apiKeys, part.apiKeys);
        Object.assign(status.users, part.users);
      }
      options.onStatus?.(status);
      for (const w of open) {
        if (w.refused || !watched.has(w.socket)) continue;
        const verdict = judge(w.identity, status);
        if (verdict) refuse(w, verdict);
      }
    } catch (err) {
      log.warn({ err }, 'open sockets could not be re-checked; retrying at the next interval');
    } finally {
      sweeping = false;
    }
  }

  return {
    /** Starts watching a socket that `connection_init` authenticated as `identity`. */
    watch(socket: WebSocket, identity: Identity, expiresAt: number | null) {
      const w: Watched = { socket, identity, expiresAt, refused: false };
      watched.set(socket, w);
      socket.once('close', () => forget(socket));
      if (expired(w)) expire(w);
      else timeExpiry(w);
    },
    /** False once the socket's credentials are refused (or its session has expired). */
    allowed(socket: WebSocket): boolean {
      const w = watched.get(socket);
      if (!w) return socket.readyState === WebSocket.OPEN;
      if (expired(w)) {
        expire(w);
        return false;
      }
      return !w.refused;
    },
    /** Closes a socket whose credential was just found revoked (e.g. by a per-operation check). */
    refuse(socket: WebSocket, reason: string) {
      const w = watched.get(socket);
      if (w) refuse(w, reason);
      else socket.close(CREDENTIALS_CLOSE_CODE, reason);
    },
    /** Runs one re-check now (tests). */
    sweep,
    dispose() {
      clearInterval(timer);
      for (const w of watched.values()) clearTimeout(w.timer);
      watched.clear();
    },
  };
}
export type CredentialWatch = ReturnType<typeof createCredentialWatch>;

/** Why an identity may no longer act, or null if it still may. */
export function judge(identity: Identity, status: CredentialStatus): string | null {
  if (identity.apiKeyId) {
    const key = status.apiKeys[identity.apiKeyId];
    if (!key) return 'The API key was revoked.';
    if (lostRoles(identity.roles, key.roles).length)
      return "The key's user lost a role: connect again.";
    return null;
  }
  if (!identity.userId) return null;
  const user = status.users[identity.userId];
  if (!user) return 'The account no longer exists.';
  if (lostRoles(identity.roles, user.roles).length) return 'Your roles changed: sign in again.';
  return null;
}
