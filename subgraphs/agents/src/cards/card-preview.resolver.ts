import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { resolveAgentCard } from '@agentry/a2a-adapter';
import { requireRole, Scope } from '@agentry/subgraph-kit';
import { AgentCapabilities, AgentSkill } from '../agent/agent.entity';
import type { AgentsContext } from '../context';
import { AgentCardPreview } from './agent-card-preview.type';
import { normalizeCardUrl } from './agent-card.reader';
import { PreviewAgentCardArgs } from './preview-agent-card.args';

@Resolver()
export class CardPreviewResolver {
  @Scope('agents:write')
  @Query(() => AgentCardPreview, {
    description:
      "Reads an A2A agent's live card and shows what registerAgent would list (PUBLISHER role); saves nothing. AGENT_UNREACHABLE when the card cannot be fetched, BAD_USER_INPUT when it is invalid.",
  })
  async previewAgentCard(
    @Args() { cardUrl }: PreviewAgentCardArgs,
    @Ctx() ctx: AgentsContext,
  ): Promise<AgentCardPreview> {
    // Publishers only: it makes the server fetch a URL (through the same SSRF guard as register).
    requireRole(ctx, 'PUBLISHER', 'agents:write');
    const normalized = normalizeCardUrl(cardUrl);
    const card = await resolveAgentCard(normalized, ctx.cards);
    return {
      cardUrl: normalized,
      name: card.name,
      description: card.description,
      url: card.url,
      version: card.version,
      providerName: card.providerOrganization ?? null,
      skills: card.skills.map((s) => Object.assign(new AgentSkill(), s)),
      capabilities: Object.assign(new AgentCapabilities(), card.capabilities),
      defaultInputModes: card.defaultInputModes.length ? card.defaultInputModes : ['text/plain'],
      defaultOutputModes: card.defaultOutputModes.length ? card.defaultOutputModes : ['text/plain'],
    };
  }
}
