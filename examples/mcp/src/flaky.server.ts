import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/*
 * The two ways a tool fails. `oops` reports a failure in its result (`isError: true`): the call
 * worked, the tool did not. `fail` makes the server answer with a JSON-RPC error.
 *
 * McpServer turns every exception of a tool handler into an `isError` result, so a thrown error
 * never reaches a client as a protocol error. The tools are registered on McpServer (so they are
 * listed with their schemas) and `tools/call` is then answered by the underlying Server, whose
 * handlers' exceptions do become JSON-RPC errors.
 */

export const FLAKY_FAIL_MESSAGE = 'The flaky server failed on purpose.';
export const FLAKY_OOPS_MESSAGE = 'Oops: the tool ran and reports that it did not work.';

export function createFlakyServer(): McpServer {
  const server = new McpServer({ name: 'flaky', version: '1.0.0' });
  const listed = { inputSchema: {}, annotations: { readOnlyHint: true, openWorldHint: false } };
  const noop = () => ({ content: [] });
  server.registerTool(
    'fail',
    { ...listed, title: 'Fail', description: 'Always answers with a JSON-RPC error.' },
    noop,
  );
  server.registerTool(
    'oops',
    { ...listed, title: 'Oops', description: 'Always answers with an isError result.' },
    noop,
  );
  server.server.setRequestHandler(CallToolRequestSchema, (request) => {
    switch (request.params.name) {
      case 'oops':
        return { isError: true, content: [{ type: 'text', text: FLAKY_OOPS_MESSAGE }] };
      case 'fail':
        throw new McpError(ErrorCode.InternalError, FLAKY_FAIL_MESSAGE);
      default:
        throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
    }
  });
  return server;
}
