import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/*
 * Arithmetic over MCP: the smallest server with published input and output schemas. Dividing by
 * zero is a result with `isError: true`, the way a tool reports a failure the model should read.
 */

const operands = {
  a: z.number().describe('The first operand.'),
  b: z.number().describe('The second operand.'),
};
const result = { result: z.number().describe('The outcome of the operation.') };
const pure = { readOnlyHint: true, idempotentHint: true, openWorldHint: false };

const answer = (text: string, value: number) => ({
  content: [{ type: 'text' as const, text }],
  structuredContent: { result: value },
});

export function createCalculatorServer(): McpServer {
  const server = new McpServer(
    { name: 'calculator', version: '1.0.0' },
    { instructions: 'Exact arithmetic on two numbers. Each tool returns { result }.' },
  );
  server.registerTool(
    'add',
    {
      title: 'Add',
      description: 'Adds two numbers.',
      inputSchema: operands,
      outputSchema: result,
      annotations: pure,
    },
    ({ a, b }) => answer(`${a} + ${b} = ${a + b}`, a + b),
  );
  server.registerTool(
    'multiply',
    {
      title: 'Multiply',
      description: 'Multiplies two numbers.',
      inputSchema: operands,
      outputSchema: result,
      annotations: pure,
    },
    ({ a, b }) => answer(`${a} × ${b} = ${a * b}`, a * b),
  );
  server.registerTool(
    'divide',
    {
      title: 'Divide',
      description: 'Divides a by b. Dividing by zero is reported as a tool error.',
      inputSchema: operands,
      outputSchema: result,
      annotations: pure,
    },
    ({ a, b }) => {
      if (b === 0) {
        return {
          isError: true,
          content: [
            { type: 'text' as const, text: `Cannot divide ${a} by zero: b must not be 0.` },
          ],
        };
      }
      return answer(`${a} ÷ ${b} = ${a / b}`, a / b);
    },
  );
  return server;
}
