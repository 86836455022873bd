import 'reflect-metadata';
import path from 'node:path';
import { scopeDeclarationsOf } from '@agentry/subgraph-kit';

/**
 * Prints one subgraph's `@Scope` declarations as JSON: `print-scopes.ts <name>`. Its own process
 * per subgraph, like print-sdl.ts (type-graphql's metadata is global).
 */
async function main() {
  const name = process.argv[2];
  if (!name || !/^[a-z-]+$/.test(name)) throw new Error('usage: print-scopes.ts <subgraph>');
  const mod = (await import(
    path.join(__dirname, '..', '..', 'subgraphs', name, 'src', 'schema.ts')
  )) as {
    buildSchema: () => Promise<import('graphql').GraphQLSchema>;
  };
  process.stdout.write(JSON.stringify(scopeDeclarationsOf(await mod.buildSchema())) + '\n');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
