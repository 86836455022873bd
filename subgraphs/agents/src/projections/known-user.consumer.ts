import { startConsumer, type Consumer } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';
import { addKnownUser } from './known-user.store';

/** Keeps agents.known_users in step with the users subgraph's sign-ups (for tool grants). */
export async function startKnownUsers(deps: SubgraphDeps): Promise<Consumer> {
  return startConsumer({
    name: 'agents.users',
    topics: ['user.registered'],
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: (event, m) => addKnownUser(m, event.payload.userId),
  });
}
