import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '@agentry/core';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { fromMcpCallToolResult, fromMcpContent, fromMcpPrompt, fromMcpTool } from '../src';
import { toAppError } from '../src/errors';

describe('fromMcpContent', () => {
  it('maps the five MCP content types', () => {
    assert.deepEqual(fromMcpContent({ type: 'text', text: 'hi' }), { kind: 'TEXT', text: 'hi' });
    assert.deepEqual(fromMcpContent({ type: 'image', data: 'iVBO', mimeType: 'image/png' }), {
      kind: 'IMAGE',
      data: 'iVBO',
      mimeType: 'image/png',
    });
    assert.deepEqual(fromMcpContent({ type: 'audio', data: 'UklG', mimeType: 'audio/wav' }), {
      kind: 'AUDIO',
      data: 'UklG',
      mimeType: 'audio/wav',
    });
    assert.deepEqual(
      fromMcpContent({ type: 'resource', resource: { uri: 'file:///a.bin', blob: 'AAEC' } }),
      { kind: 'RESOURCE', uri: 'file:///a.bin', resource: { uri: 'file:///a.bin', blob: 'AAEC' } },
    );
    assert.deepEqual(
      fromMcpContent({
        type: 'resource_link',
        uri: 'doc://1',
        name: 'One',
        description: 'ignored',
      }),
      { kind: 'RESOURCE_LINK', uri: 'doc://1', name: 'One' },
    );
  });

  it('keeps isError and structuredContent of a result', () => {
    assert.deepEqual(fromMcpCallToolResult({ content: [], structuredContent: { x: 1 } }), {
      isError: false,
      content: [],
      structuredContent: { x: 1 },
    });
    assert.deepEqual(fromMcpCallToolResult({ content: [], isError: true }), {
      isError: true,
      content: [],
    });
  });
});

describe('fromMcpTool and fromMcpPrompt', () => {
  it('keep the known annotation hints and default the description', () => {
    const tool = fromMcpTool({
      name: 'rm',
      inputSchema: { type: 'object' },
      annotations: { destructiveHint: true, title: 'Remove' },
      _meta: { private: true },
    });
    assert.deepEqual(tool, {
      name: 'rm',
      description: '',
      inputSchema: { type: 'object' },
      annotations: { title: 'Remove', destructiveHint: true },
    });
  });

  it('makes `required` a boolean', () => {
    assert.deepEqual(
      fromMcpPrompt({ name: 'p', arguments: [{ name: 'a' }, { name: 'b', required: true }] }),
      {
        name: 'p',
        arguments: [
          { name: 'a', required: false },
          { name: 'b', required: true },
        ],
      },
    );
  });
});

describe('toAppError', () => {
  const ctx = {
    target: 'http://tools.example/mcp',
    what: 'tool "x"',
    timeoutIsTimeout: true,
    timeoutMs: 5,
  };
  const codeOf = (err: unknown, c = ctx) => toAppError(err, c).extensions.code;

  it('maps JSON-RPC errors by code', () => {
    assert.equal(codeOf(new McpError(-32602, 'Invalid params')), ErrorCode.BAD_USER_INPUT);
    assert.equal(codeOf(new McpError(-32601, 'Method not found')), ErrorCode.BAD_USER_INPUT);
    assert.equal(codeOf(new McpError(-32002, 'Resource not found')), ErrorCode.NOT_FOUND);
    assert.equal(codeOf(new McpError(-32603, 'boom')), ErrorCode.TOOL_UNREACHABLE);
    assert.equal(codeOf(new McpError(-32000, 'Connection closed')), ErrorCode.TOOL_UNREACHABLE);
  });

  it('makes a timeout TIMEOUT during a call and TOOL_UNREACHABLE during the handshake', () => {
    const timeout = new McpError(-32001, 'Request timed out');
    assert.equal(codeOf(timeout), ErrorCode.TIMEOUT);
    assert.equal(codeOf(timeout, { ...ctx, timeoutIsTimeout: false }), ErrorCode.TOOL_UNREACHABLE);
  });

  it('strips the SDK prefixes from server messages', () => {
    const err = toAppError(new McpError(-32602, 'MCP error -32602: Tool x not found'), ctx);
    assert.equal(
      err.message,
      'The tool server at http://tools.example/mcp refused tool "x": Tool x not found',
    );
  });
});
