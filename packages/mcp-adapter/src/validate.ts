import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019';
import { Ajv2020 } from 'ajv/dist/2020';

/*
 * Tool arguments checked against the JSON Schema the server published, before the call leaves
 * Agentry: a caller learns what is wrong in readable words, and a server never sees arguments
 * its own schema refuses. MCP servers publish draft 2020-12 (the spec's default) or draft-07
 * (what the TypeScript SDK emits from zod schemas, and many Python servers); `$schema` says which.
 */

const AJV_OPTIONS: Options = {
  allErrors: true,
  // Servers publish schemas written for their own validators: unknown keywords are ignored
  // rather than refused, and `format` is left to the server (no format plugin is installed).
  strict: false,
  validateFormats: false,
  logger: false,
  // Two servers may publish schemas with the same `$id`: keep each compiled schema to itself
  // instead of registering it by id in the shared instance.
  addUsedSchema: false,
};

// One instance per dialect: an instance compiles its meta-schema once (~100 ms), not per schema.
const instances = {
  draft07: () => (draft07 ??= new Ajv(AJV_OPTIONS)),
  draft2019: () => (draft2019 ??= new Ajv2019(AJV_OPTIONS)),
  draft2020: () => (draft2020 ??= new Ajv2020(AJV_OPTIONS)),
};
let draft07: Ajv | undefined;
let draft2019: Ajv | undefined;
let draft2020: Ajv | undefined;

function ajvFor(schema: Record<string, unknown>): Ajv {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (/draft-0[4-7]/.test(dialect)) return instances.draft07();
  if (dialect.includes('2019-09')) return instances.draft2019();
  return instances.draft2020();
}

const MAX_CACHED = 500;
interface Compiled {
  validate?: ValidateFunction;
  error?: Error;
  ajv: Ajv;
  schema: Record<string, unknown>;
}
const cache = new Map<string, Compiled>();

/**
 * The compiled validator of `schema`, cached by its JSON text (a server's tool list is read
 * again and again, its schemas rarely change). Throws when the schema cannot be compiled.
 */
export function compileToolSchema(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let compiled = cache.get(key);
  if (!compiled) {
    // `$schema` only chose the dialect: an unknown meta-schema URI must not fail compilation.
    const { $schema: _dialect, ...rest } = schema;
    compiled = { ajv: ajvFor(schema), schema: rest };
    try {
      compiled.validate = compiled.ajv.compile(rest);
    } catch (err) {
      compiled.error = err instanceof Error ? err : new Error(String(err));
    }
    if (cache.size >= MAX_CACHED) {
      const [oldestKey, oldest] = cache.entries().next().value as [string, Compiled];
      cache.delete(oldestKey);
      // Ajv keeps what it compiled, keyed by the schema object, until told to forget it.
      oldest.ajv.removeSchema(oldest.schema);
    }
    cache.set(key, compiled);
  }
  if (!compiled.validate) throw compiled.error;
  return compiled.validate;
}

/**
 * Checks tool arguments against a tool's input schema. `undefined` arguments count as `{}`
 * (MCP makes them optional). Errors read like `/a must be number` or
 * `arguments must have required property 'b'`. A schema that cannot be compiled refuses every
 * argument with one error saying so.
 */
export function validateToolArguments(
  inputSchema: Record<string, unknown>,
  args: unknown,
): { ok: true } | { ok: false; errors: string[] } {
  let validate: ValidateFunction;
  try {
    validate = compileToolSchema(inputSchema);
  } catch (err) {
    return {
      ok: false,
      errors: [`the tool's input schema is not valid JSON Schema: ${(err as Error).message}`],
    };
  }
  if (validate(args === undefined ? {} : args)) return { ok: true };
  return { ok: false, errors: formatErrors(validate.errors ?? []) };
}

const MAX_ERRORS = 20;

export function formatErrors(errors: ErrorObject[]): string[] {
  const lines = new Set<string>();
  for (const e of errors) {
    // Branches of anyOf/oneOf report one error each and then the summary: the summary is enough
    // for people, and each branch's details would read as contradictions.
    if (errors.some((o) => isCombinator(o) && isInside(e, o))) continue;
    lines.add(`${e.instancePath || 'arguments'} ${e.message ?? 'is invalid'}${detail(e)}`);
  }
  const list = [...lines];
  return list.length > MAX_ERRORS
    ? [...list.slice(0, MAX_ERRORS), `… and ${list.length - MAX_ERRORS} more`]
    : list;
}

const isCombinator = (e: ErrorObject) => e.keyword === 'anyOf' || e.keyword === 'oneOf';
const isInside = (e: ErrorObject, combinator: ErrorObject) =>
  e !== combinator && e.schemaPath.startsWith(`${combinator.schemaPath}/`);

function detail(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `: '${String(params.additionalProperty)}'`;
  if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    return `: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (e.keyword === 'const') return `: ${JSON.stringify(params.allowedValue)}`;
  return '';
}
