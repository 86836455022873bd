import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * Which proxies may tell the client's address in `X-Forwarded-For` (env `TRUST_PROXY`):
 * `false` (default: none, the socket's peer is the client), `true` (any: only behind a proxy
 * that always overwrites the header), a number of hops, or addresses/CIDRs/names as Express's
 * `trust proxy` takes them (`loopback`, `10.0.0.0/8, 192.168.1.1`).
 */
export type TrustProxy = boolean | number | string;

/** Parses `TRUST_PROXY`. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = (value ?? '').trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/**
 * The address of the client of a request (HTTP or a WebSocket upgrade): the socket's peer, or
 * the nearest untrusted address of `X-Forwarded-For` when proxies are trusted. Throttles and
 * rate limits of anonymous callers are keyed by it.
 */
export function createClientAddress(trust: TrustProxy): (req: IncomingMessage) => string {
  const check: (addr: string, i: number) => boolean =
    trust === true
      ? () => true
      : trust === false
        ? () => false
        : typeof trust === 'number'
          ? (_addr, i) => i < trust
          : proxyaddr.compile(trust.split(',').map((s) => s.trim()));
  return (req) => {
    if (!req.socket?.remoteAddress) return 'unknown';
    // proxy-addr walks X-Forwarded-For from the nearest hop while the hop is trusted.
    return proxyaddr(req as Parameters<typeof proxyaddr>[0], check).replace(/^::ffff:/, '');
  };
}
