import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { API_SCHEMA_FILE, apiSchemaSdl, generateClientDocuments } from './clients';
import { composeSupergraph, readSupergraphConfig } from './compose';

const root = path.join(__dirname, '..', '..');
const run = promisify(execFile);

/** supergraph.yaml (localhost ports) and its compose-network twin, each with its output file. */
const TARGETS = [
  { config: 'supergraph.yaml', output: 'supergraph.graphql' },
  { config: 'supergraph.docker.yaml', output: 'supergraph.docker.graphql' },
];

/**
 * `npm run codegen`: writes every subgraph's `schema.graphql`, composes the supergraphs, and
 * generates the clients' typed documents from the public API schema.
 * `--check`: changes nothing and fails when a committed file is stale.
 */
async function main() {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  const write = (file: string, content: string) => {
    const abs = path.join(root, file);
    const current = existsSync(abs) ? readFileSync(abs, 'utf8') : null;
    if (current === content) return;
    if (check) stale.push(file);
    else {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
      console.log(`wrote ${file}`);
    }
  };

  const names = Object.keys(readSupergraphConfig(path.join(root, TARGETS[0].config)).subgraphs);
  const sdls = await Promise.all(
    names.map(async (name) => {
      const { stdout } = await run(
        process.execPath,
        [
          '-r',
          path.join(root, 'scripts', 'register.js'),
          path.join(__dirname, 'print-sdl.ts'),
          name,
        ],
        {
          cwd: root,
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      return { name, sdl: stdout };
    }),
  );
  for (const { name, sdl } of sdls) write(path.join('subgraphs', name, 'schema.graphql'), sdl);
  // Composed from the freshly printed SDL, not the committed files, so a stale SDL cannot hide.
  const sdlOf = (name: string) => sdls.find((s) => s.name === name)!.sdl;
  const supergraphs = TARGETS.map(
    (t) => composeSupergraph(path.join(root, t.config), sdlOf) + '\n',
  );
  TARGETS.forEach((t, i) => write(t.output, supergraphs[i]));
  // Clients are generated from the fresh supergraph too, so a stale client cannot hide either.
  const apiSdl = apiSchemaSdl(supergraphs[0]);
  write(API_SCHEMA_FILE, apiSdl);
  for (const { file, content } of await generateClientDocuments(root, apiSdl)) write(file, content);
  if (stale.length) {
    console.error(
      `stale generated files (run \`npm run codegen\` and commit them):\n  ${stale.join('\n  ')}`,
    );
    process.exit(1);
  }
  if (check) console.log('codegen: subgraph SDL, supergraphs and client documents are up to date');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
