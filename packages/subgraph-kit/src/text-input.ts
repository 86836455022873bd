import {
  defaultFieldResolver,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { badInput } from '@agentry/core';

/**
 * What a text input may contain. Every `String` and `ID` argument and input field reaching a
 * resolver is checked against one of these before the resolver runs (so a refused call writes
 * nothing: no hold, no ledger row):
 * - `line` (the default): one line of text — no control characters at all (C0, DEL, C1), no
 *   line or paragraph separators (U+2028/2029), no bidi embeddings, overrides or isolates
 *   (U+202A-202E, U+2066-2069), no lone surrogates. Names, slugs, e-mails, URLs, search, ids.
 * - `multiline`: like `line` but tab, line feed and carriage return are allowed (descriptions
 *   shown in the catalogue: still no bidi controls, which could disguise what a listing says).
 * - `prose`: tab, line feed, carriage return and bidi controls are allowed (people writing to
 *   people or to agents: review bodies, task messages, passwords); other control characters and
 *   lone surrogates are refused (NUL cannot be stored in PostgreSQL text).
 */
export type TextRule = 'line' | 'multiline' | 'prose';

/** Text rules other than `line`, by schema coordinate: `Input.field` or `Type.field(arg)`. */
export type TextRules = Record<string, Exclude<TextRule, 'line'>>;

// Control characters are what these patterns are for.
/* eslint-disable no-control-regex */
const FORBIDDEN: Record<TextRule, RegExp> = {
  line: /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Cs}/u,
  multiline:
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Cs}/u,
  prose: /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/u,
};
/* eslint-enable no-control-regex */

const ALLOWED: Record<TextRule, string> = {
  line: 'must be one line of text without control or bidi characters',
  multiline: 'must not contain control characters (other than tab and newline) or bidi characters',
  prose: 'must not contain control characters other than tab and newline',
};

const TEXT_TYPES = new Set(['String', 'ID']);

/** The first problem of `value` under `rule`, or undefined. */
export function textProblem(value: string, rule: TextRule = 'line'): string | undefined {
  return FORBIDDEN[rule].test(value) ? ALLOWED[rule] : undefined;
}

interface Walk {
  rules: TextRules;
}

function checkValue(
  value: unknown,
  type: GraphQLInputType,
  coordinate: string,
  path: string,
  walk: Walk,
): void {
  if (value === null || value === undefined) return;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    if (Array.isArray(value))
      value.forEach((item, i) => checkValue(item, inner.ofType, coordinate, `${path}.${i}`, walk));
    return;
  }
  if (isInputObjectType(inner)) {
    if (typeof value !== 'object') return;
    const fields = inner.getFields();
    for (const [name, fieldValue] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[name];
      if (field)
        checkValue(fieldValue, field.type, `${inner.name}.${name}`, `${path}.${name}`, walk);
    }
    return;
  }
  if (typeof value !== 'string' || !TEXT_TYPES.has(getNamedType(inner).name)) return;
  const problem = textProblem(value, walk.rules[coordinate] ?? 'line');
  if (problem) throw badInput(`${path} ${problem}.`, { argument: path });
}

function checkArgs(
  args: readonly GraphQLArgument[],
  values: Record<string, unknown>,
  owner: string,
  walk: Walk,
) {
  for (const arg of args)
    checkValue(values[arg.name], arg.type, `${owner}(${arg.name})`, arg.name, walk);
}

/** Whether an argument or input field (at any depth) is text. */
function hasText(type: GraphQLInputType, visited = new Set<string>()): boolean {
  const named = getNamedType(type);
  if (TEXT_TYPES.has(named.name)) return true;
  if (!isInputObjectType(named) || visited.has(named.name)) return false;
  visited.add(named.name);
  return Object.values(named.getFields()).some((f) => hasText(f.type, visited));
}

/**
 * Checks every text argument of every field of `schema` (in place: each field's `resolve` and
 * `subscribe` first checks its arguments, then runs). `rules` relaxes `line` per coordinate; a
 * coordinate that names no text argument or input field fails here, at start, not silently.
 * Federation's own fields (`_entities`, `_service`) take no text from callers.
 */
export function guardTextInputs(schema: GraphQLSchema, rules: TextRules = {}): GraphQLSchema {
  const known = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInputObjectType(type)) {
      for (const f of Object.values(type.getFields()))
        if (hasText(f.type)) known.add(`${type.name}.${f.name}`);
      continue;
    }
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      const textArgs = field.args.filter((a) => hasText(a.type));
      if (!textArgs.length) continue;
      for (const a of textArgs) known.add(`${type.name}.${field.name}(${a.name})`);
      const owner = `${type.name}.${field.name}`;
      const walk: Walk = { rules };
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args: Record<string, unknown>, ctx, info) => {
        checkArgs(field.args, args, owner, walk);
        return resolve(source, args, ctx, info);
      };
      const subscribe = field.subscribe;
      if (subscribe) {
        field.subscribe = (source, args: Record<string, unknown>, ctx, info) => {
          checkArgs(field.args, args, owner, walk);
          return subscribe(source, args, ctx, info);
        };
      }
    }
  }
  const unknown = Object.keys(rules).filter((c) => !known.has(c));
  if (unknown.length)
    throw new Error(`Text rules name no text argument or input field: ${unknown.join(', ')}`);
  return schema;
}
