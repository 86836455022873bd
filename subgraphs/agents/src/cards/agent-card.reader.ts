import { validate, type ValidationError } from 'class-validator';
import { badInput } from '@agentry/core';
import { agentCardUrl, resolveAgentCard, type AgentCardInfo } from '@agentry/a2a-adapter';
import { AgentStatus } from '../agent/agent.entity';
import { LIMITS } from '../agent/agent.rules';
import { fieldsFromCreateInput, type AgentFields } from '../agent/agent-fields';
import { AgentCapabilitiesInput } from '../agent/agent-capabilities.input';
import { AgentSkillInput } from '../agent/agent-skill.input';
import { CreateAgentInput } from '../agent/create-agent.input';
import type { PeerSettings } from '../env';
import { checkPeer } from '../shared/refresher';
import { CARD_FIELDS, type CardCheck, type CardFields } from './card-check';

/** What the publisher decides about a listing; everything else comes from the card. */
export interface Listing {
  priceCredits: number;
  category: string;
  tags: string[];
}

/**
 * The card URL a listing is keyed by: what the user typed, as the well-known card URL (a base
 * URL and its card URL are the same listing).
 */
export function normalizeCardUrl(baseOrCardUrl: string): string {
  const cardUrl = agentCardUrl(baseOrCardUrl);
  if (cardUrl.length > LIMITS.url) {
    throw badInput(
      `The card URL ${cardUrl.slice(0, 100)}… is longer than ${LIMITS.url} characters.`,
      {
        argument: 'cardUrl',
      },
    );
  }
  return cardUrl;
}

const messagesOf = (errors: ValidationError[], prefix = ''): string[] =>
  errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    return [
      ...Object.values(e.constraints ?? {}).map((m) => `${field}: ${m}`),
      ...messagesOf(e.children ?? [], field),
    ];
  });

/**
 * An agent's fields from its card and the publisher's listing, checked by the very rules
 * createAgent applies to its input (a card is refused, never cut to fit). The card's skill tags
 * follow the publisher's tags; only those beyond the tag limit are left out, since they are
 * the card's suggestions, not the publisher's choice.
 */
async function fieldsFromCard(
  card: AgentCardInfo,
  cardUrl: string,
  listing: Listing,
): Promise<AgentFields> {
  const cardTags = card.skills.flatMap((s) => s.tags);
  const input = Object.assign(new CreateAgentInput(), {
    name: card.name,
    description: card.description,
    url: card.url,
    version: card.version,
    skills: card.skills.map((s) => Object.assign(new AgentSkillInput(), s)),
    capabilities: Object.assign(new AgentCapabilitiesInput(), card.capabilities),
    // A card without default modes gets createAgent's default (text/plain).
    defaultInputModes: card.defaultInputModes.length ? card.defaultInputModes : undefined,
    defaultOutputModes: card.defaultOutputModes.length ? card.defaultOutputModes : undefined,
    category: listing.category,
    tags: [...new Set([...listing.tags, ...cardTags])].slice(0, LIMITS.tags),
    priceCredits: listing.priceCredits,
    status: AgentStatus.PUBLISHED,
  });
  const errors = await validate(input, { forbidUnknownValues: false });
  if (errors.length) {
    const problems = messagesOf(errors).slice(0, 5).join('; ');
    throw badInput(`The agent card at ${cardUrl} does not fit Agentry's limits: ${problems}.`, {
      argument: 'cardUrl',
    });
  }
  return { ...fieldsFromCreateInput(input), protocolVersion: card.protocolVersion };
}

/**
 * Reads the live card and maps it. BAD_USER_INPUT for an invalid card, a card beyond our limits
 * or a URL the SSRF guard refuses; AGENT_UNREACHABLE when it cannot be fetched.
 */
export async function readAgentCard(
  cardUrl: string,
  listing: Listing,
  settings: PeerSettings,
): Promise<AgentFields> {
  const card = await resolveAgentCard(cardUrl, settings);
  return fieldsFromCard(card, cardUrl, listing);
}

/** Reads the card for a refresh; a failure is an outcome to record, not an error. */
export function checkAgentCard(
  cardUrl: string,
  listing: Listing,
  settings: PeerSettings,
): Promise<CardCheck> {
  return checkPeer(async () => {
    const fields = await readAgentCard(cardUrl, listing, settings);
    return Object.fromEntries(CARD_FIELDS.map((f) => [f, fields[f]])) as CardFields;
  });
}
