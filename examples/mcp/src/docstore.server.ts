import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/*
 * A read-only document store: three markdown documents as resources (`doc://1` ...), the
 * template `doc://{id}` for reading any of them by id, a search tool and a prompt.
 */

export interface ExampleDocument {
  id: string;
  title: string;
  body: string;
}

export const DOCUMENTS: readonly ExampleDocument[] = [
  {
    id: '1',
    title: 'Getting started',
    body: '# Getting started\n\nPublish an agent by registering its A2A card URL. Tools are MCP servers registered by URL.',
  },
  {
    id: '2',
    title: 'Credits and billing',
    body: '# Credits and billing\n\nEvery task holds credits when submitted; the hold is captured on completion and released on failure.',
  },
  {
    id: '3',
    title: 'Tool access',
    body: '# Tool access\n\nThe owner of a tool server grants access per user and per tool. Calls are checked before they reach the server.',
  },
];

/** Resource "not found", as the MCP spec numbers it (the SDK has no constant for it). */
const RESOURCE_NOT_FOUND = -32002;

export const docUri = (id: string) => `doc://${id}`;
const MARKDOWN = 'text/markdown';

const findDoc = (id: string) => DOCUMENTS.find((d) => d.id === id);

function read(uri: URL, id: string) {
  const doc = findDoc(id);
  if (!doc)
    throw new McpError(RESOURCE_NOT_FOUND, `There is no document ${id}.`, { uri: uri.href });
  return { contents: [{ uri: docUri(doc.id), mimeType: MARKDOWN, text: doc.body }] };
}

export function createDocstoreServer(): McpServer {
  const server = new McpServer(
    { name: 'docstore', version: '1.0.0' },
    { instructions: 'Agentry documentation. Search with search_docs, read doc://<id>.' },
  );
  for (const doc of DOCUMENTS) {
    server.registerResource(
      `doc-${doc.id}`,
      docUri(doc.id),
      { title: doc.title, description: `Document ${doc.id}: ${doc.title}`, mimeType: MARKDOWN },
      (uri) => read(uri, doc.id),
    );
  }
  // No list callback: the fixed resources above already list every document once.
  server.registerResource(
    'doc',
    new ResourceTemplate('doc://{id}', { list: undefined }),
    { description: 'Any document by id.', mimeType: MARKDOWN },
    (uri, { id }) => read(uri, String(id)),
  );

  server.registerTool(
    'search_docs',
    {
      title: 'Search documents',
      description: 'Finds the documents whose title or text contains the query (case-insensitive).',
      inputSchema: { query: z.string().min(1).describe('Words to look for.') },
      outputSchema: {
        matches: z.array(z.object({ id: z.string(), uri: z.string(), title: z.string() })),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ query }) => {
      const needle = query.toLowerCase();
      const matches = DOCUMENTS.filter((d) =>
        `${d.title}\n${d.body}`.toLowerCase().includes(needle),
      ).map((d) => ({ id: d.id, uri: docUri(d.id), title: d.title }));
      return {
        content: [
          {
            type: 'text' as const,
            text: matches.length
              ? `${matches.length} document(s) match "${query}".`
              : `No document matches "${query}".`,
          },
          ...matches.map((m) => ({
            type: 'resource_link' as const,
            uri: m.uri,
            name: m.title,
            mimeType: MARKDOWN,
          })),
        ],
        structuredContent: { matches },
      };
    },
  );
  server.registerTool(
    'get_doc',
    {
      title: 'Get a document',
      description: 'Returns one document, embedded in the result.',
      inputSchema: { id: z.string().describe('The document id, e.g. "1".') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ id }) => {
      const doc = findDoc(id);
      if (!doc) {
        return { isError: true, content: [{ type: 'text' as const, text: `No document ${id}.` }] };
      }
      return {
        content: [
          {
            type: 'resource' as const,
            resource: { uri: docUri(doc.id), mimeType: MARKDOWN, text: doc.body },
          },
        ],
      };
    },
  );

  server.registerPrompt(
    'summarize',
    {
      title: 'Summarize a document',
      description: 'Asks for a three-sentence summary of one document.',
      argsSchema: { docId: z.string().describe('The document id, e.g. "1".') },
    },
    ({ docId }) => {
      const doc = findDoc(docId);
      if (!doc) throw new McpError(RESOURCE_NOT_FOUND, `There is no document ${docId}.`);
      return {
        description: `Summary of "${doc.title}"`,
        messages: [
          {
            role: 'user' as const,
            content: {
              type: 'text' as const,
              text: `Summarize this document in three sentences.\n\n${doc.body}`,
            },
          },
        ],
      };
    },
  );
  return server;
}
