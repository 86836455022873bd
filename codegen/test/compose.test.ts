import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from '@agentry/devstack';
import { composeSupergraph, readSupergraphConfig } from '../src/compose';

function config(subgraphs: Record<string, string>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agentry-compose-'));
  const lines = ['federation_version: =2.7.0', 'subgraphs:'];
  for (const [name, sdl] of Object.entries(subgraphs)) {
    writeFileSync(path.join(dir, `${name}.graphql`), sdl);
    lines.push(
      `  ${name}:`,
      `    routing_url: http://127.0.0.1:1/${name}`,
      '    schema:',
      `      file: ./${name}.graphql`,
    );
  }
  const file = path.join(dir, 'supergraph.yaml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])\n';

describe('codegen composition', () => {
  it('composes the committed subgraph SDL into a supergraph with every subgraph', () => {
    const sdl = composeSupergraph(path.join(REPO_ROOT, 'supergraph.yaml'));
    for (const name of ['USERS', 'AGENTS', 'BILLING', 'REVIEWS', 'TASKS'])
      assert.match(sdl, new RegExp(`${name} @join__graph`));
  });

  it('fails with the composition errors when subgraphs disagree', () => {
    const file = config({
      a: `${LINK}type Query { a: Thing } type Thing @key(fields: "id") { id: ID! size: Int! }`,
      b: `${LINK}type Query { b: Thing } type Thing @key(fields: "id") { id: ID! size: String! }`,
    });
    assert.throws(
      () => composeSupergraph(file),
      /composition of supergraph.yaml failed:[\s\S]*size/,
    );
  });

  it('rejects a config without routing_url', () => {
    const file = config({ a: `${LINK}type Query { a: Int }` });
    writeFileSync(file, 'subgraphs:\n  a:\n    schema:\n      file: ./a.graphql\n');
    assert.throws(() => readSupergraphConfig(file), /needs routing_url/);
  });

  it('keeps the compose-network config in step with the local one', () => {
    const local = parseYaml(readFileSync(path.join(REPO_ROOT, 'supergraph.yaml'), 'utf8'));
    const docker = parseYaml(readFileSync(path.join(REPO_ROOT, 'supergraph.docker.yaml'), 'utf8'));
    assert.deepEqual(Object.keys(docker.subgraphs), Object.keys(local.subgraphs));
    for (const [name, s] of Object.entries<any>(docker.subgraphs)) {
      assert.equal(s.schema.file, local.subgraphs[name].schema.file);
      assert.match(
        s.routing_url,
        new RegExp(`^http://${name}:\\d+/graphql$`),
        'service name = supergraph key',
      );
    }
  });
});
