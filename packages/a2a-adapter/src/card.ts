import {
  A2A_PROTOCOL_VERSION,
  A2A_VERSION_HEADER,
  AGENT_CARD_PATH,
  AgentCard as SdkAgentCard,
} from '@a2a-js/sdk';
import { isLegacyAgentCard, parseLegacyAgentCard } from '@a2a-js/sdk/compat/v0_3/client';
import { z } from 'zod';
import { AppError, badInput, ErrorCode, textProblem, type TextRule } from '@agentry/core';
import { toAppError, unreachable } from './errors';
import { guardedGet, readTextLimited } from './http';
import { assertFetchableUrl } from '@agentry/url-guard';

/** What the registry keeps of an agent card. */
export interface AgentCardInfo {
  name: string;
  description: string;
  /** The JSON-RPC endpoint: where Agentry sends the agent's tasks. */
  url: string;
  version: string;
  skills: AgentSkillInfo[];
  capabilities: {
    streaming: boolean;
    pushNotifications: boolean;
    /** Not part of A2A v1.0 cards; true only if a card still says so. */
    stateTransitionHistory: boolean;
  };
  defaultInputModes: string[];
  defaultOutputModes: string[];
  providerOrganization?: string;
  documentationUrl?: string;
  /**
   * The A2A protocol version of the JSON-RPC interface Agentry uses: `1.0`, or `0.3` for agents
   * that still speak A2A v0.3 (spoken through @a2a-js/sdk's v0.3 compatibility client).
   */
  protocolVersion: A2AProtocolVersion;
  /** Every interface the card lists, in its order of preference. */
  interfaces: { url: string; protocolBinding: string; protocolVersion?: string }[];
}

/** The A2A versions Agentry speaks. */
export type A2AProtocolVersion = '1.0' | '0.3';

export interface AgentSkillInfo {
  id: string;
  name: string;
  description: string;
  /** Lower-cased and kebab-cased, each matching {@link CARD_LIMITS}.tag. */
  tags: string[];
  examples: string[];
}

/** What a card may hold. A card beyond a limit is refused, never cut to fit. */
export const CARD_LIMITS = {
  name: 100,
  description: 2000,
  version: 50,
  skills: 50,
  skillName: 100,
  skillDescription: 2000,
  tag: /^[a-z0-9][a-z0-9-]{0,29}$/,
  /** Bytes of card JSON read at most. */
  bytes: 1_000_000,
} as const;

export interface ResolveAgentCardOptions {
  /** For the whole fetch: DNS, connection, headers and body. Default 5000 ms. */
  timeoutMs?: number;
  /**
   * Allow cards (and JSON-RPC endpoints) on loopback and private networks. Default false; see
   * {@link assertFetchableUrl}.
   */
  allowPrivate?: boolean;
}

/**
 * The card URL for what a user typed: a URL ending in `.json` is taken as the card itself;
 * anything else is a base URL, and the card is at `<base>/.well-known/agent-card.json` (the
 * SDK's resolver, except that a base path counts as a folder: `https://x.io/agents/echo` ->
 * `https://x.io/agents/echo/.well-known/agent-card.json`).
 */
export function agentCardUrl(baseOrCardUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseOrCardUrl);
  } catch {
    throw badInput(`${baseOrCardUrl} is not a valid URL.`);
  }
  if (url.pathname.endsWith('.json')) return url.href;
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return new URL(AGENT_CARD_PATH, url).href;
}

/**
 * Reads an agent's card and maps it to {@link AgentCardInfo}.
 * BAD_USER_INPUT: the URL is refused (SSRF guard), the card is not JSON, lacks a required field
 * or breaks a {@link CARD_LIMITS} limit. AGENT_UNREACHABLE: no connection, timeout, non-2xx.
 */
export async function resolveAgentCard(
  baseOrCardUrl: string,
  options: ResolveAgentCardOptions = {},
): Promise<AgentCardInfo> {
  return (await fetchAgentCard(baseOrCardUrl, options)).info;
}

/** The card as the registry sees it and as the SDK client needs it. */
export async function fetchAgentCard(
  baseOrCardUrl: string,
  { timeoutMs = 5000, allowPrivate = false }: ResolveAgentCardOptions = {},
): Promise<{ info: AgentCardInfo; card: SdkAgentCard }> {
  const url = agentCardUrl(baseOrCardUrl);
  let text: string;
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    const { response } = await guardedGet(url, {
      allowPrivate,
      timeoutMs,
      signal,
      // Announce the protocol version as the SDK's resolver does: dual-version agents pick by it.
      headers: { [A2A_VERSION_HEADER]: A2A_PROTOCOL_VERSION, Accept: 'application/json' },
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw unreachable(`The agent card at ${url} could not be fetched: HTTP ${response.status}.`);
    }
    text = await readTextLimited(response, CARD_LIMITS.bytes, `The agent card at ${url}`);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw toAppError(err, `GET ${url}`, timeoutMs);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalid(url, 'it is not JSON');
  }
  const info = parseAgentCard(raw, url);
  // Refuse at registration what every later call would refuse.
  await assertFetchableUrl(info.url, { allowPrivate, timeoutMs }).catch((err: unknown) => {
    throw toAppError(err, `resolving ${info.url}`, timeoutMs);
  });
  return { info, card: toSdkAgentCard(info) };
}

const text = z.string().trim().min(1, 'must not be empty');
const RawCard = z.object({
  name: text,
  description: text,
  version: text,
  supportedInterfaces: z
    .array(
      z.object({
        url: z.string(),
        protocolBinding: z.string(),
        protocolVersion: z.string().optional(),
      }),
    )
    .min(1, 'must list at least one interface'),
  skills: z.array(
    z.object({
      id: text,
      name: text,
      description: z.string().optional(),
      tags: z.array(z.string()).optional(),
      examples: z.array(z.string()).optional(),
    }),
  ),
  capabilities: z
    .object({
      streaming: z.boolean().optional(),
      pushNotifications: z.boolean().optional(),
      stateTransitionHistory: z.boolean().optional(),
    })
    .optional(),
  defaultInputModes: z.array(z.string()).optional(),
  defaultOutputModes: z.array(z.string()).optional(),
  provider: z.object({ organization: z.string().optional() }).optional(),
  documentationUrl: z.string().optional(),
});

/** Validates a card document (already parsed JSON) and maps it; `cardUrl` names it in errors. */
export function parseAgentCard(raw: unknown, cardUrl: string): AgentCardInfo {
  const legacy = isLegacyCard(raw);
  const parsed = RawCard.safeParse(legacy ? fromLegacyCard(raw, cardUrl) : raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join('.') : 'the card'} ${describeIssue(i)}`)
      .join('; ');
    throw invalid(cardUrl, issues);
  }
  const card = parsed.data;
  const limit = (what: string, value: string, max: number) => {
    if (value.length > max) {
      throw invalid(cardUrl, `${what} is ${value.length} characters long; the limit is ${max}`);
    }
  };
  // The same text rules as the API's inputs: a card cannot list what a publisher could not type.
  const text = (what: string, value: string | undefined, rule: TextRule = 'line') => {
    const problem = value === undefined ? undefined : textProblem(value, rule);
    if (problem) throw invalid(cardUrl, `${what} ${problem}`);
  };
  limit('name', card.name, CARD_LIMITS.name);
  limit('description', card.description, CARD_LIMITS.description);
  limit('version', card.version, CARD_LIMITS.version);
  text('name', card.name);
  text('description', card.description, 'multiline');
  text('version', card.version);
  text('documentationUrl', card.documentationUrl);
  text('provider.organization', card.provider?.organization);
  card.supportedInterfaces.forEach((i, n) => {
    text(`supportedInterfaces.${n}.url`, i.url);
    text(`supportedInterfaces.${n}.protocolBinding`, i.protocolBinding);
    text(`supportedInterfaces.${n}.protocolVersion`, i.protocolVersion);
  });
  [...(card.defaultInputModes ?? []), ...(card.defaultOutputModes ?? [])].forEach((m) =>
    text('a default input or output mode', m),
  );
  if (card.skills.length > CARD_LIMITS.skills) {
    throw invalid(
      cardUrl,
      `it lists ${card.skills.length} skills; the limit is ${CARD_LIMITS.skills}`,
    );
  }

  // A v1.0 interface first; a v0.3 one (a legacy card, or a v1.0 card listing both) otherwise.
  const jsonRpc = card.supportedInterfaces.filter(isJsonRpc);
  const rpc =
    jsonRpc.find((i) => versionOf(i, legacy) === '1.0') ??
    jsonRpc.find((i) => versionOf(i, legacy) === '0.3');
  if (!rpc) {
    throw invalid(
      cardUrl,
      jsonRpc.length
        ? `its JSONRPC interfaces speak A2A ${jsonRpc.map((i) => i.protocolVersion ?? '?').join(', ')}; Agentry speaks A2A 1.0 and 0.3`
        : 'it lists no JSONRPC interface, the only one Agentry speaks',
    );
  }
  if (!isHttpUrl(rpc.url)) {
    throw invalid(cardUrl, `its JSONRPC interface URL "${rpc.url}" is not an http(s) URL`);
  }

  const skills = card.skills.map((s, n) => {
    text(`skills.${n}.id`, s.id);
    const where = `skill "${s.id}"`;
    limit(`${where} name`, s.name, CARD_LIMITS.skillName);
    limit(`${where} description`, s.description ?? '', CARD_LIMITS.skillDescription);
    text(`${where} name`, s.name);
    text(`${where} description`, s.description, 'multiline');
    (s.tags ?? []).forEach((t) => text(`${where} tag`, t));
    (s.examples ?? []).forEach((e) => text(`${where} example`, e, 'multiline'));
    return {
      id: s.id,
      name: s.name,
      description: s.description ?? '',
      tags: normalizeTags(s.tags ?? [], (tag, normalized) =>
        invalid(
          cardUrl,
          `${where} has the tag "${tag}", which as "${normalized}" is not a tag: tags are 1 to 30 lower-case letters, digits and hyphens, starting with a letter or digit`,
        ),
      ),
      examples: s.examples ?? [],
    };
  });

  const provider = card.provider?.organization?.trim();
  return {
    name: card.name,
    description: card.description,
    url: rpc.url,
    version: card.version,
    skills,
    capabilities: {
      streaming: card.capabilities?.streaming ?? false,
      pushNotifications: card.capabilities?.pushNotifications ?? false,
      stateTransitionHistory: card.capabilities?.stateTransitionHistory ?? false,
    },
    defaultInputModes: card.defaultInputModes ?? [],
    defaultOutputModes: card.defaultOutputModes ?? [],
    ...(provider ? { providerOrganization: provider } : {}),
    ...(card.documentationUrl ? { documentationUrl: card.documentationUrl } : {}),
    protocolVersion: versionOf(rpc, legacy)!,
    interfaces: card.supportedInterfaces.map((i) => ({
      url: i.url,
      protocolBinding: i.protocolBinding,
      ...(i.protocolVersion ? { protocolVersion: i.protocolVersion } : {}),
    })),
  };
}

// zod says "Invalid input: expected string, received undefined" for a missing field.
const describeIssue = (issue: z.core.$ZodIssue) =>
  issue.code === 'invalid_type' && /received undefined$/.test(issue.message)
    ? 'is missing'
    : issue.message;

/** `Machine Learning` -> `machine-learning`, `camelCase` -> `camel-case`. */
export function kebabTag(tag: string): string {
  return tag
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function normalizeTags(
  tags: string[],
  refuse: (tag: string, normalized: string) => AppError,
): string[] {
  const out = new Set<string>();
  for (const tag of tags) {
    const normalized = kebabTag(tag);
    if (!CARD_LIMITS.tag.test(normalized)) throw refuse(tag, normalized);
    out.add(normalized);
  }
  return [...out];
}

/**
 * The SDK card a client needs, rebuilt from what the registry stored, so an agent can be called
 * without fetching its card again.
 */
export function toSdkAgentCard(info: AgentCardInfo): SdkAgentCard {
  return SdkAgentCard.fromJSON({
    name: info.name,
    description: info.description,
    version: info.version,
    // Only the interface Agentry speaks, with its version spelt out: the SDK's transport factory
    // picks its v0.3 client by it (and takes a missing version for v0.3).
    supportedInterfaces: [
      { url: info.url, protocolBinding: 'JSONRPC', protocolVersion: info.protocolVersion },
    ],
    capabilities: {
      streaming: info.capabilities.streaming,
      pushNotifications: info.capabilities.pushNotifications,
    },
    defaultInputModes: info.defaultInputModes,
    defaultOutputModes: info.defaultOutputModes,
    skills: [],
  });
}

// v0.3 cards carry the endpoint as a top-level `url` next to a `protocolVersion` (the SDK's own
// test; a card that also lists v1.0 `supportedInterfaces` is read as v1.0).
const isLegacyCard = (raw: unknown): boolean => {
  try {
    return isLegacyAgentCard(raw);
  } catch {
    return false;
  }
};

/** A v0.3 card in the v1.0 JSON shape (the SDK's translation), to be validated like any card. */
function fromLegacyCard(raw: unknown, cardUrl: string): unknown {
  try {
    return SdkAgentCard.toJSON(parseLegacyAgentCard(raw));
  } catch (err) {
    throw invalid(cardUrl, `it is an A2A v0.3 card that cannot be read (${errorText(err)})`);
  }
}

const errorText = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).slice(0, 200);

/**
 * The A2A version an interface speaks, as far as Agentry is concerned: 1.x is 1.0, 0.3.x is 0.3,
 * anything else undefined. A v1.0 card's interface without a version is 1.0; a legacy card's
 * interfaces are v0.3 whatever they say.
 */
function versionOf(
  i: { protocolVersion?: string },
  legacy: boolean,
): A2AProtocolVersion | undefined {
  const v = i.protocolVersion?.trim();
  if (!v) return legacy ? '0.3' : '1.0';
  if (/^1(\.\d+)*$/.test(v)) return legacy ? undefined : '1.0';
  if (/^0\.3(\.\d+)*$/.test(v)) return '0.3';
  return undefined;
}

const isJsonRpc = (i: { protocolBinding: string }) => i.protocolBinding.toUpperCase() === 'JSONRPC';

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

const invalid = (url: string, what: string) =>
  new AppError(ErrorCode.BAD_USER_INPUT, `The agent card at ${url} is invalid: ${what}.`);
