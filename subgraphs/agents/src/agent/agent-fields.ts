import { type Agent, type AgentCapabilities, type AgentSkill, AgentStatus } from './agent.entity';
import type { AgentCapabilitiesInput } from './agent-capabilities.input';
import type { AgentSkillInput } from './agent-skill.input';
import type { CreateAgentInput } from './create-agent.input';
import type { UpdateAgentInput } from './update-agent.input';

/**
 * An agent's fields after validation and normalisation: what its publisher (or its card) decides.
 * createAgent builds them from its input, registerAgent from a live A2A card, through the same
 * functions.
 */
export type AgentFields = Pick<
  Agent,
  | 'name'
  | 'description'
  | 'url'
  | 'version'
  | 'skills'
  | 'capabilities'
  | 'defaultInputModes'
  | 'defaultOutputModes'
  | 'category'
  | 'tags'
  | 'priceCredits'
  | 'status'
  | 'protocolVersion'
>;
export type AgentPatch = Partial<AgentFields>;

const DEFAULT_MODES = ['text/plain'];

const toSkills = (skills: AgentSkillInput[]): AgentSkill[] =>
  skills.map((s) => ({
    id: s.id,
    name: s.name.trim(),
    description: s.description ?? '',
    tags: s.tags ?? [],
    examples: s.examples ?? [],
  }));

const toCapabilities = (c: AgentCapabilitiesInput | null | undefined): AgentCapabilities => ({
  streaming: c?.streaming ?? false,
  pushNotifications: c?.pushNotifications ?? false,
  stateTransitionHistory: c?.stateTransitionHistory ?? false,
});

const uniq = (values: string[]) => [...new Set(values)];

export function fieldsFromCreateInput(input: CreateAgentInput): AgentFields {
  return {
    name: input.name.trim(),
    description: input.description ?? '',
    url: input.url,
    version: input.version.trim(),
    skills: toSkills(input.skills ?? []),
    capabilities: toCapabilities(input.capabilities),
    defaultInputModes: uniq(input.defaultInputModes ?? DEFAULT_MODES),
    defaultOutputModes: uniq(input.defaultOutputModes ?? DEFAULT_MODES),
    category: input.category,
    tags: uniq(input.tags ?? []),
    priceCredits: input.priceCredits,
    status: input.status ?? AgentStatus.PUBLISHED,
    // Not known for an agent described by hand; registerAgent reads it from the card.
    protocolVersion: null,
  };
}

/** Only the fields given; GraphQL `null` means "keep", since every field is required. */
export function patchFromUpdateInput(input: UpdateAgentInput): AgentPatch {
  const patch: AgentPatch = {};
  if (input.name != null) patch.name = input.name.trim();
  if (input.description != null) patch.description = input.description;
  if (input.url != null) patch.url = input.url;
  if (input.version != null) patch.version = input.version.trim();
  if (input.skills != null) patch.skills = toSkills(input.skills);
  if (input.capabilities != null) patch.capabilities = toCapabilities(input.capabilities);
  if (input.defaultInputModes != null) patch.defaultInputModes = uniq(input.defaultInputModes);
  if (input.defaultOutputModes != null) patch.defaultOutputModes = uniq(input.defaultOutputModes);
  if (input.category != null) patch.category = input.category;
  if (input.tags != null) patch.tags = uniq(input.tags);
  if (input.priceCredits != null) patch.priceCredits = input.priceCredits;
  if (input.status != null) patch.status = input.status;
  return patch;
}
