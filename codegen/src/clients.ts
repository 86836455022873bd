import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { generate } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { lexicographicSortSchema, printSchema } from 'graphql';

/**
 * Typed client documents (GraphQL Code Generator's client preset) over the supergraph's public
 * API schema — what clients see, without the federation machinery — for the two clients that
 * ship here: the web app and @agentry/client.
 */
export const CLIENT_TARGETS = [
  { documents: 'web-client/src/**/*.{ts,tsx}', output: 'web-client/src/gql/' },
  { documents: 'packages/client/src/**/*.ts', output: 'packages/client/src/gql/' },
] as const;

/** Where the public API schema is written, for integrators running their own codegen. */
export const API_SCHEMA_FILE = 'packages/client/schema.graphql';

/** The API schema clients query, printed from a composed supergraph (sorted: stable diffs). */
export function apiSchemaSdl(supergraphSdl: string): string {
  const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}

const presetConfig: Record<string, unknown> = {
  // Operations are read whole by the client; masking buys nothing in an app this size.
  fragmentMasking: false,
};

const pluginConfig = {
  // Credits is a JSON number within 2^53 - 1 (see docs/API.md).
  scalars: { Credits: 'number', DateTime: 'string', JSON: 'unknown' },
  enumsAsTypes: true,
  useTypeImports: true,
  strictScalars: true,
  // Only the types the operations use: the files stay small and reviewable.
  onlyOperationTypes: true,
};

/** Generates every client target; returns files relative to `root` without writing them. */
export async function generateClientDocuments(
  root: string,
  apiSdl: string,
): Promise<{ file: string; content: string }[]> {
  const generates: Types.Config['generates'] = {};
  for (const t of CLIENT_TARGETS) {
    generates[t.output] = {
      preset: 'client',
      documents: t.documents,
      presetConfig,
      config: pluginConfig,
    };
  }
  const outputs = await generate(
    {
      cwd: root,
      schema: apiSdl,
      ignoreNoDocuments: false,
      silent: true,
      generates,
    },
    false,
  );
  return outputs.map((o: Types.FileOutput) => ({
    file: path.relative(root, path.resolve(root, o.filename)),
    content: o.content,
  }));
}
