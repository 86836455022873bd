import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { badInput } from '@agentry/core';

/*
 * Server-side request forgery guard. Agentry fetches URLs that users give it (agent cards,
 * agent endpoints, MCP tool servers); without this, a user could make the platform call its own
 * database, cloud metadata (169.254.169.254) or anything else on the internal network.
 */

/**
 * The host of a URL did not resolve (or not in time). Not the caller's mistake to fix, so not a
 * BAD_USER_INPUT: each adapter reports it as its peer being unreachable (AGENT_UNREACHABLE,
 * TOOL_UNREACHABLE).
 */
export class UnresolvableHostError extends Error {
  override readonly name = 'UnresolvableHostError';
}

/** Why an address is not public; 'public' is the only class production calls. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared'
  | 'multicast'
  | 'reserved';

function blockList(v4: [string, number][], v6: [string, number][] = []): net.BlockList {
  const list = new net.BlockList();
  for (const [prefix, bits] of v4) list.addSubnet(prefix, bits, 'ipv4');
  for (const [prefix, bits] of v6) list.addSubnet(prefix, bits, 'ipv6');
  return list;
}

// net.BlockList matches IPv4-mapped IPv6 (::ffff:a.b.c.d, also in hex) against IPv4 rules.
const CLASSES: [Exclude<AddressClass, 'public'>, net.BlockList][] = [
  ['unspecified', blockList([['0.0.0.0', 8]], [['::', 128]])],
  ['loopback', blockList([['127.0.0.0', 8]], [['::1', 128]])],
  [
    'private',
    blockList(
      [
        ['10.0.0.0', 8],
        ['172.16.0.0', 12],
        ['192.168.0.0', 16],
      ],
      [
        ['fc00::', 7],
        ['fec0::', 10], // deprecated site-local, still routed privately by some stacks
      ],
    ),
  ],
  ['link-local', blockList([['169.254.0.0', 16]], [['fe80::', 10]])],
  ['shared', blockList([['100.64.0.0', 10]])], // carrier-grade NAT
  ['multicast', blockList([['224.0.0.0', 4]], [['ff00::', 8]])],
  [
    'reserved',
    blockList(
      [
        ['192.0.0.0', 24], // IETF protocol assignments
        ['198.18.0.0', 15], // benchmarking
        ['240.0.0.0', 4], // reserved, includes 255.255.255.255
      ],
      [['::', 96]], // IPv4-compatible (deprecated): ::a.b.c.d
    ),
  ],
];

// NAT64 (64:ff9b::/96) reaches the embedded IPv4 address: judge that address instead.
const NAT64 = blockList([], [['64:ff9b::', 96]]);

/** The class of a literal IP address (v4 or v6); throws on something that is not an IP. */
export function classifyAddress(ip: string): AddressClass {
  const family = net.isIP(ip);
  if (family === 0) throw new TypeError(`${ip} is not an IP address`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (type === 'ipv6' && NAT64.check(ip, 'ipv6')) return classifyAddress(embeddedIPv4(ip));
  for (const [cls, list] of CLASSES) if (list.check(ip, type)) return cls;
  return 'public';
}

export const isPublicAddress = (ip: string): boolean => classifyAddress(ip) === 'public';

function embeddedIPv4(ipv6: string): string {
  // The last 32 bits, whether written as a dotted quad or as two hex groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(ipv6);
  if (dotted) return dotted[1];
  const groups = ipv6.split(':');
  const lo = parseInt(groups.at(-1) || '0', 16);
  const hi = parseInt(groups.at(-2) || '0', 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export interface FetchableUrlOptions {
  /**
   * Allow loopback, private, link-local and other non-public addresses. Default false: production
   * passes false; development and tests pass true to reach agents on 127.0.0.1.
   */
  allowPrivate?: boolean;
  /** How long the DNS lookup may take. Default 5000 ms. */
  timeoutMs?: number;
}

/**
 * Checks that `url` is one Agentry may call: http(s), no credentials in it, and (unless
 * `allowPrivate`) a host whose every address is public. Resolves to the parsed URL.
 * Throws BAD_USER_INPUT for a URL the user must change, {@link UnresolvableHostError} when the
 * host does not resolve. Sends no traffic to the host itself.
 *
 * The check runs before each request; a DNS answer that changes between the check and the
 * connection (rebinding) is not caught here.
 */
export async function assertFetchableUrl(
  url: string,
  { allowPrivate = false, timeoutMs = 5000 }: FetchableUrlOptions = {},
): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badInput(`${url} is not a valid URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw badInput(`${url} must use http or https, not ${parsed.protocol.replace(/:$/, '')}.`);
  }
  if (parsed.username || parsed.password) {
    throw badInput(`${redact(parsed)} must not contain a user name or password.`);
  }
  if (allowPrivate) return parsed;

  // URL keeps IPv6 literals in brackets; node:net wants them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = net.isIP(host) ? [host] : await resolveHost(host, url, timeoutMs);
  const refused = addresses
    .map((address) => ({ address, cls: classifyAddress(address) }))
    .filter((a) => a.cls !== 'public');
  if (refused.length > 0) {
    const list = refused.map((a) => `${a.address} (${a.cls})`).join(', ');
    throw badInput(
      `${url} resolves to a private address: ${list}. Agentry only calls public hosts.`,
    );
  }
  return parsed;
}

async function resolveHost(host: string, url: string, timeoutMs: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UnresolvableHostError(`The host of ${url} did not resolve within ${timeoutMs} ms.`),
        ),
      timeoutMs,
    );
  });
  try {
    const found = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
    return found.map((a) => a.address);
  } catch (err) {
    if (err instanceof UnresolvableHostError) throw err;
    throw new UnresolvableHostError(
      `The host of ${url} could not be resolved (${(err as NodeJS.ErrnoException).code ?? 'DNS error'}).`,
    );
  } finally {
    clearTimeout(timer);
  }
}

const redact = (u: URL) => `${u.protocol}//${u.host}${u.pathname}`;
