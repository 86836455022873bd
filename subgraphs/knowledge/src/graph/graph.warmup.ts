import type { Logger } from '@agentry/core';
import type { GraphSettings } from '../env';
import { knowledgeGraph } from '../knowledge-graph/knowledge-graph.store';
import {
  collaborators,
  hiredTogetherWith,
  recommendedAgents,
  similarAgents,
} from '../recommendations/recommendation.store';
import { agentsWithSkills, findSkills, relatedSkills } from '../skills/skill.store';
import { GraphClient } from './graph.client';

const NOBODY = '00000000-0000-4000-8000-000000000000';

/**
 * Runs every read query once, on its own connection with a long timeout, so Neo4j has planned
 * (and cached) each of them before a caller's request meets the short per-query timeout: on a busy
 * machine the first planning of a query alone can take seconds. Failures are only logged.
 */
export async function warmUpQueries(settings: GraphSettings, log: Logger): Promise<void> {
  const graph = new GraphClient({ ...settings, readTimeoutMs: 60_000 }, log);
  // Plans are cached per query text and parameter types: signed in (a string) and anonymous (null).
  const viewer = { userId: NOBODY, admin: false };
  const anonymous = { userId: null, admin: false };
  try {
    await Promise.all([
      ...[viewer, anonymous].flatMap((v) => [
        similarAgents(graph, [NOBODY], 10, v),
        hiredTogetherWith(graph, [NOBODY], 10, v),
        collaborators(graph, [NOBODY], 10, v),
        knowledgeGraph(graph, NOBODY, 1, v).catch(() => undefined), // NOT_FOUND, planned all the same
      ]),
      recommendedAgents(graph, NOBODY, 10),
      findSkills(graph, null, 20),
      findSkills(graph, 'x', 20),
      agentsWithSkills(graph, ['x'], 10),
      relatedSkills(graph, ['x'], 10),
    ]);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'knowledge queries not warmed up');
  } finally {
    await graph.close();
  }
}
