import { timeKey } from '@agentry/subgraph-kit';

/** The columns of a review under alias `r`, named as the entity's properties. */
export const REVIEW_COLUMNS = `r.id, r.agent_id AS "agentId", r.author_id AS "authorId", r.rating,
  r.title, r.body, r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;

/** A review's position in newest-first lists. */
export const UPDATED_KEY = timeKey('r.updated_at');
