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
import { badInput, textProblem, type TextRule } from '@agentry/core';

/** Text rules other than `line`, by schema coordinate: `Input.field` or `Type.field(arg)`. */
export type TextRules = Record<string, Exclude<TextRule, 'line'>>;

const TEXT_TYPES = new Set(['String', 'ID']);
/** The JSON scalar (graphql-scalars): its strings are checked too. */
const JSON_TYPE = 'JSON';

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
  const named = getNamedType(inner).name;
  if (named === JSON_TYPE) return checkJson(value, walk.rules[coordinate] ?? 'prose', path);
  if (typeof value !== 'string' || !TEXT_TYPES.has(named)) return;
  const problem = textProblem(value, walk.rules[coordinate] ?? 'line');
  if (problem) throw badInput(`${path} ${problem}.`, { argument: path });
}

/**
 * Every string of a JSON value (keys too) under `rule` (`prose` unless a rule says otherwise:
 * JSON carries data, often text with newlines). Walked with a stack, not recursion, so a deeply
 * nested value cannot overflow the call stack.
 */
function checkJson(value: unknown, rule: TextRule, path: string): void {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    const strings =
      typeof v === 'string'
        ? [v]
        : v && typeof v === 'object'
          ? Array.isArray(v)
            ? (stack.push(...(v as unknown[])), [])
            : (stack.push(...Object.values(v)), Object.keys(v))
          : [];
    for (const s of strings) {
      const problem = textProblem(s, rule);
      if (problem) throw badInput(`${path}: every text in it ${problem}.`, { argument: path });
    }
  }
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
  if (TEXT_TYPES.has(named.name) || named.name === JSON_TYPE) return true;
  if (!isInputObjectType(named) || visited.has(named.name)) return false;
  visited.add(named.name);
  return Object.values(named.getFields()).some((f) => hasText(f.type, visited));
}

/**
 * Checks every text argument of every field of `schema` (in place: each field's `resolve` and
 * `subscribe` first checks its arguments, then runs). `rules` relaxes `line` per coordinate; a
 * coordinate that names no text argument or input field fails here, at start, not silently.
 * `JSON` inputs have every string (keys too) checked, as `prose` unless a rule says otherwise.
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
