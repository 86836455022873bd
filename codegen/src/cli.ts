import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SUBGRAPH_NAMES, type DeclaredScope } from '@agentry/core';
import * as prettier from 'prettier';
import { API_SCHEMA_FILE, apiSchemaSdl, generateClientDocuments } from './clients';
import { composeSupergraph } from './compose';
import { withEventCatalogue } from './event-catalogue';
import { withResolverMap } from './resolver-map';
import { SCOPES_FILE, scopeEntries, scopesJson, withScopeTable } from './scope-table';
import { SUPERGRAPH_TARGETS, supergraphConfigYaml } from './supergraph-config';

const root = path.join(__dirname, '..', '..');
const run = promisify(execFile);

/**
 * `npm run codegen`: writes supergraph.yaml and supergraph.docker.yaml from the service manifest,
 * every subgraph's `schema.graphql`, composes the supergraphs, generates the clients' typed
 * documents from the public API schema, and the generated sections of the docs.
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

  for (const t of SUPERGRAPH_TARGETS) write(t.config, supergraphConfigYaml(t));
  const names = SUBGRAPH_NAMES;
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
  // In --check mode the configs on disk may be stale too: compose what they should say.
  const supergraphs = SUPERGRAPH_TARGETS.map(
    (t) => composeSupergraph(path.join(root, t.config), sdlOf, supergraphConfigYaml(t)) + '\n',
  );
  SUPERGRAPH_TARGETS.forEach((t, i) => write(t.output, supergraphs[i]));
  // Clients are generated from the fresh supergraph too, so a stale client cannot hide either.
  const apiSdl = apiSchemaSdl(supergraphs[0]);
  write(API_SCHEMA_FILE, apiSdl);
  for (const { file, content } of await generateClientDocuments(root, apiSdl)) write(file, content);
  // The @Scope declarations as the kit enforces them (each subgraph's schema in its own process).
  const scopes = scopeEntries(
    await Promise.all(
      names.map(async (name) => {
        const { stdout } = await run(
          process.execPath,
          [
            '-r',
            path.join(root, 'scripts', 'register.js'),
            path.join(__dirname, 'print-scopes.ts'),
            name,
          ],
          { cwd: root, maxBuffer: 16 * 1024 * 1024 },
        );
        return { name, scopes: JSON.parse(stdout) as Record<string, DeclaredScope> };
      }),
    ),
  );
  write(SCOPES_FILE, scopesJson(scopes));
  // Generated sections of the docs, formatted as `npm run format` would (so the two never fight).
  const docs: [string, (doc: string) => string][] = [
    [path.join('docs', 'DEVELOPING.md'), (doc) => withResolverMap(doc, root)],
    [path.join('docs', 'OPERATIONS.md'), withEventCatalogue],
    [path.join('docs', 'API.md'), (doc) => withScopeTable(doc, scopes)],
  ];
  for (const [file, generate] of docs) {
    const doc = generate(readFileSync(path.join(root, file), 'utf8'));
    const options = (await prettier.resolveConfig(path.join(root, file))) ?? {};
    write(file, await prettier.format(doc, { ...options, parser: 'markdown' }));
  }
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
