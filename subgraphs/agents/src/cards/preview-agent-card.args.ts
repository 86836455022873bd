import { IsUrl, MaxLength } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { LIMITS } from '../agent/agent.rules';

@ArgsType()
export class PreviewAgentCardArgs {
  @Field({ description: 'As registerAgent takes it: the base URL or the card URL.' })
  @MaxLength(LIMITS.url)
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'cardUrl must be an http(s) URL' },
  )
  cardUrl!: string;
}
