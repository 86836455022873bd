import { registerEnumType } from 'type-graphql';

/** Orders of the public catalogue (`agents(sort:)`). */
export enum AgentSort {
  RELEVANCE = 'RELEVANCE',
  NEWEST = 'NEWEST',
  RATING = 'RATING',
  PRICE_LOW = 'PRICE_LOW',
  PRICE_HIGH = 'PRICE_HIGH',
}

registerEnumType(AgentSort, {
  name: 'AgentSort',
  description:
    'RELEVANCE (the default when searching; NEWEST without a search), NEWEST first, best RATING first (unrated last), PRICE_LOW or PRICE_HIGH first.',
});
