import { IsUrl, MaxLength } from 'class-validator';
import { Args, ArgsType, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { resolveAgentCard } from '@agentry/a2a-adapter';
import { requireRole, type SubgraphContext } from '@agentry/subgraph-kit';
import { AgentCapabilities, AgentSkill } from './agent.entity';
import { normalizeCardUrl } from './agent-card';
import { LIMITS } from './agent.rules';
import type { AgentsContext } from './context';

@ObjectType({ description: 'How many published agents have this value.' })
export class FacetCount {
  @Field()
  value!: string;
  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'The values the catalogue can be filtered by, with their counts.' })
export class AgentFacets {
  @Field(() => [FacetCount], { description: 'Categories, most agents first.' })
  categories!: FacetCount[];
  @Field(() => [FacetCount], { description: 'The 50 most used tags, most agents first.' })
  tags!: FacetCount[];
}

@ObjectType({
  description: 'What an A2A agent card says, read live before registering it (nothing is saved).',
})
export class AgentCardPreview {
  @Field()
  cardUrl!: string;
  @Field()
  name!: string;
  @Field()
  description!: string;
  @Field({ description: "The agent's A2A endpoint, as the card names it." })
  url!: string;
  @Field()
  version!: string;
  @Field(() => String, { nullable: true, description: "The card's provider organization." })
  providerName!: string | null;
  @Field(() => [AgentSkill])
  skills!: AgentSkill[];
  @Field(() => AgentCapabilities)
  capabilities!: AgentCapabilities;
  @Field(() => [String])
  defaultInputModes!: string[];
  @Field(() => [String])
  defaultOutputModes!: string[];
}

@ArgsType()
class PreviewAgentCardArgs {
  @Field({ description: 'As registerAgent takes it: the base URL or the card URL.' })
  @MaxLength(LIMITS.url)
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'cardUrl must be an http(s) URL' },
  )
  cardUrl!: string;
}

@Resolver()
export class AgentDiscoveryResolver {
  @Query(() => AgentFacets, {
    description: 'Categories and tags of the published agents, with counts (for filters).',
  })
  async agentFacets(@Ctx() ctx: SubgraphContext): Promise<AgentFacets> {
    const [categories, tags] = await Promise.all([
      ctx.db.query(
        `SELECT category AS value, count(*)::int AS count FROM agents.agents
          WHERE status = 'PUBLISHED' GROUP BY category ORDER BY count DESC, value`,
      ),
      ctx.db.query(
        `SELECT t AS value, count(*)::int AS count
           FROM agents.agents, unnest(tags) AS t
          WHERE status = 'PUBLISHED' GROUP BY t ORDER BY count DESC, value LIMIT 50`,
      ),
    ]);
    return { categories, tags };
  }

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
