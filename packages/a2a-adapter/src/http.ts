import { badInput } from '@agentry/core';
import { unreachable } from './errors';
import { assertFetchableUrl, type FetchableUrlOptions } from '@agentry/url-guard';

/*
 * The only two ways the adapter touches the network. Both check every URL with the SSRF guard
 * and never let fetch() follow a redirect by itself, because a redirect could lead anywhere,
 * including to hosts the guard would refuse.
 */

export type GuardOptions = FetchableUrlOptions;

const urlOf = (input: string | URL | Request) =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

/**
 * A fetch() for the SDK's JSON-RPC transport: checks the URL before each call, refuses
 * redirects (a JSON-RPC POST has no business being redirected) with AGENT_UNREACHABLE.
 */
export function createGuardedFetch(guard: GuardOptions): typeof fetch {
  return async (input, init) => {
    const url = urlOf(input);
    await assertFetchableUrl(url, guard);
    const response = await fetch(input, { ...init, redirect: 'manual' });
    if (isRedirect(response.status)) {
      await response.body?.cancel();
      throw unreachable(
        `${url} answered with a redirect (HTTP ${response.status}); Agentry does not follow redirects of agent calls. Register the agent's final URL.`,
      );
    }
    return response;
  };
}

export interface GuardedGetOptions extends GuardOptions {
  signal: AbortSignal;
  headers?: Record<string, string>;
  /** Redirects followed, each target checked like the first URL. Default 3. */
  maxRedirects?: number;
}

/** GET that follows a few redirects, checking each hop. Resolves with the final response. */
export async function guardedGet(
  url: string,
  { signal, headers, maxRedirects = 3, ...guard }: GuardedGetOptions,
): Promise<{ response: Response; url: string }> {
  let current = url;
  for (let hop = 0; ; hop++) {
    await assertFetchableUrl(current, guard);
    const response = await fetch(current, { headers, signal, redirect: 'manual' });
    if (!isRedirect(response.status)) return { response, url: current };
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (!location || hop >= maxRedirects) {
      throw unreachable(
        `${url} redirected ${location ? `more than ${maxRedirects} times` : 'without a Location'}.`,
      );
    }
    current = new URL(location, current).href;
  }
}

/**
 * The body as text, refusing more than `maxBytes` (BAD_USER_INPUT) without reading it all:
 * a card URL must not make the platform download something huge.
 */
export async function readTextLimited(
  response: Response,
  maxBytes: number,
  what: string,
): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw badInput(`${what} is ${declared} bytes; the limit is ${maxBytes}.`);
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw badInput(`${what} is larger than ${maxBytes} bytes.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const isRedirect = (status: number) => status >= 300 && status < 400;
