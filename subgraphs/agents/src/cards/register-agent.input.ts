import { IsOptional } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { CategoryRules, LIMITS, PriceRules, TagsRules } from '../agent/agent.rules';
import { HttpUrlRules } from '../shared/url.rules';

@InputType({
  description:
    "An A2A agent to list from its live agent card: the card gives its name, description, endpoint, version, skills and capabilities; the listing's price, category and tags are yours.",
})
export class RegisterAgentInput {
  @Field({
    description: `The agent's base URL (its card is at <base>/.well-known/agent-card.json) or the card's URL (ending in .json); http or https, at most ${LIMITS.url} characters.`,
  })
  @HttpUrlRules('cardUrl')
  cardUrl!: string;

  @Field(() => Int, { description: `Credits per completed task, 0-${LIMITS.maxPrice}.` })
  @PriceRules()
  priceCredits!: number;

  @Field({ description: 'A lowercase slug such as `research` or `developer-tools`.' })
  @CategoryRules()
  category!: string;

  @Field(() => [String], {
    nullable: true,
    description: `At most ${LIMITS.tags} lowercase slugs; the card's skill tags are added after them, up to ${LIMITS.tags} in all.`,
  })
  @IsOptional()
  @TagsRules()
  tags?: string[];
}
