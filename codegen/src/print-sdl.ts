import 'reflect-metadata';
import path from 'node:path';
import { printSubgraphSchema } from '@apollo/subgraph';

/**
 * Prints one subgraph's SDL to stdout: `print-sdl.ts <name>`. Runs in its own process per
 * subgraph, so type-graphql's global metadata never mixes two subgraphs' `User` types.
 */
async function main() {
  const name = process.argv[2];
  if (!name || !/^[a-z-]+$/.test(name)) throw new Error('usage: print-sdl.ts <subgraph>');
  const mod = (await import(
    path.join(__dirname, '..', '..', 'subgraphs', name, 'src', 'schema.ts')
  )) as {
    buildSchema: () => Promise<import('graphql').GraphQLSchema>;
  };
  process.stdout.write(printSubgraphSchema(await mod.buildSchema()) + '\n');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
