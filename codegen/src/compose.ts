import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import YAML from 'yaml';

/** The part of Rover's supergraph.yaml format that composition needs. */
export interface SupergraphConfig {
  federation_version?: string | number;
  subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
}

export function readSupergraphConfig(configPath: string, text?: string): SupergraphConfig {
  const config = YAML.parse(text ?? readFileSync(configPath, 'utf8')) as SupergraphConfig;
  if (!config || typeof config.subgraphs !== 'object')
    throw new Error(`${configPath}: no "subgraphs" map`);
  for (const [name, s] of Object.entries(config.subgraphs)) {
    if (!s?.routing_url || !s.schema?.file)
      throw new Error(`${configPath}: subgraph "${name}" needs routing_url and schema.file`);
  }
  return config;
}

/**
 * Composes the supergraph SDL from a supergraph.yaml, or throws with every composition error.
 * `sdlOf` supplies a subgraph's SDL (default: the `schema.file` the config names); `configText`
 * the config's content (default: read from `configPath`).
 */
export function composeSupergraph(
  configPath: string,
  sdlOf?: (name: string) => string,
  configText?: string,
): string {
  const config = readSupergraphConfig(configPath, configText);
  const dir = path.dirname(configPath);
  const services = Object.entries(config.subgraphs).map(([name, s]) => ({
    name,
    url: s.routing_url,
    typeDefs: parse(sdlOf ? sdlOf(name) : readFileSync(path.resolve(dir, s.schema.file), 'utf8')),
  }));
  const result = composeServices(services);
  if (result.errors) {
    const lines = result.errors.map((e) => `  - ${e.message}`);
    throw new Error(`composition of ${path.basename(configPath)} failed:\n${lines.join('\n')}`);
  }
  return result.supergraphSdl;
}
