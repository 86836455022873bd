import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startExampleMcpServer, type RunningExampleMcpServer } from '@agentry/example-mcp';
import { describeToolServer, validateToolArguments, type ToolInfo } from '../src';
import { compileToolSchema } from '../src/validate';

describe('validateToolArguments against the calculator as published', () => {
  let server: RunningExampleMcpServer;
  let add: ToolInfo;
  before(async () => {
    server = await startExampleMcpServer('calculator');
    const d = await describeToolServer(server.url, { allowPrivate: true });
    add = d.tools.find((t) => t.name === 'add')!;
  });
  after(() => server.stop());

  it('accepts good arguments', () => {
    assert.deepEqual(validateToolArguments(add.inputSchema, { a: 1, b: -2.5 }), { ok: true });
  });

  it('refuses missing and ill-typed arguments with readable messages', () => {
    assert.deepEqual(validateToolArguments(add.inputSchema, { a: 1 }), {
      ok: false,
      errors: ["arguments must have required property 'b'"],
    });
    assert.deepEqual(validateToolArguments(add.inputSchema, { a: 'one', b: null }), {
      ok: false,
      errors: ['/a must be number', '/b must be number'],
    });
    assert.deepEqual(validateToolArguments(add.inputSchema, undefined), {
      ok: false,
      errors: [
        "arguments must have required property 'a'",
        "arguments must have required property 'b'",
      ],
    });
    assert.deepEqual(validateToolArguments(add.inputSchema, [1, 2]), {
      ok: false,
      errors: ['arguments must be object'],
    });
  });
});

describe('validateToolArguments dialects and messages', () => {
  it('understands draft 2020-12 (prefixItems, $defs)', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        point: {
          type: 'array',
          prefixItems: [{ type: 'number' }, { type: 'number' }],
          items: false,
        },
        unit: { $ref: '#/$defs/unit' },
      },
      $defs: { unit: { enum: ['m', 'km'] } },
    };
    assert.deepEqual(validateToolArguments(schema, { point: [1, 2], unit: 'km' }), { ok: true });
    assert.deepEqual(validateToolArguments(schema, { point: [1, 'x', 3], unit: 'mi' }), {
      ok: false,
      errors: [
        '/point/1 must be number',
        '/point must NOT have more than 2 items',
        '/unit must be equal to one of the allowed values: "m", "km"',
      ],
    });
  });

  it('understands draft-07 (definitions) and schemas without $schema', () => {
    const draft7 = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { n: { $ref: '#/definitions/small' } },
      definitions: { small: { type: 'integer', maximum: 9 } },
      additionalProperties: false,
    };
    assert.deepEqual(validateToolArguments(draft7, { n: 3 }), { ok: true });
    assert.deepEqual(validateToolArguments(draft7, { n: 12, extra: true }), {
      ok: false,
      errors: ["arguments must NOT have additional properties: 'extra'", '/n must be <= 9'],
    });
    assert.deepEqual(validateToolArguments({ type: 'object' }, {}), { ok: true });
  });

  it('reports anyOf once instead of every branch', () => {
    const schema = {
      type: 'object',
      properties: { id: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
    };
    assert.deepEqual(validateToolArguments(schema, { id: 1.5 }), {
      ok: false,
      errors: ['/id must match a schema in anyOf'],
    });
  });

  it("ignores formats and unknown keywords, which are the server's business", () => {
    const schema = {
      type: 'object',
      properties: { mail: { type: 'string', format: 'email', 'x-ui': 1 } },
    };
    assert.deepEqual(validateToolArguments(schema, { mail: 'not an address' }), { ok: true });
  });

  it('refuses everything against a schema that does not compile, saying why', () => {
    const result = validateToolArguments(
      { type: 'object', properties: { a: { type: 'nonsense' } } },
      {},
    );
    assert.equal(result.ok, false);
    assert.match(
      (result as { errors: string[] }).errors[0],
      /^the tool's input schema is not valid JSON Schema: /,
    );
  });

  it('keeps schemas of different servers apart even when they share an $id', () => {
    const one = { $id: 'https://schemas.example/args.json', type: 'object', required: ['a'] };
    const two = { $id: 'https://schemas.example/args.json', type: 'object', required: ['b'] };
    assert.equal(validateToolArguments(one, { a: 1 }).ok, true);
    assert.equal(validateToolArguments(two, { b: 1 }).ok, true);
    assert.equal(validateToolArguments(two, { a: 1 }).ok, false);
  });

  it('caches compiled schemas by their JSON text', () => {
    const a = compileToolSchema({ type: 'object', properties: { q: { type: 'string' } } });
    const b = compileToolSchema({ type: 'object', properties: { q: { type: 'string' } } });
    assert.equal(a, b);
  });
});
