import { IsInt, Length, Matches, Max, Min } from 'class-validator';
import { badInput } from '@agentry/core';
import { allOf, URL_MAX } from '../shared/url.rules';

/**
 * Limits of a tool server listing and of the catalogue we keep of it. A server that describes
 * more than this is refused (never cut to fit): a missing tool would be a silent surprise.
 */
export const TOOL_LIMITS = {
  name: 100,
  url: URL_MAX,
  maxPrice: 100_000,
  tools: 200,
  toolName: 128,
  title: 200,
  toolDescription: 10_000,
  /** Serialized size of one JSON Schema (input or output). */
  schemaBytes: 65_536,
  resources: 500,
  resourceTemplates: 100,
  prompts: 100,
  promptArguments: 50,
  uri: 2048,
  text: 2000,
  instructions: 10_000,
  serverField: 200,
  /** Tool names in one grant, revoke or price list. */
  names: 200,
} as const;

/** Why the last check failed, as stored (the column allows this much). */
export const CHECK_ERROR_MAX = 500;

export const ToolServerNameRules = () =>
  allOf(
    Length(1, TOOL_LIMITS.name, {
      message: `name must be 1 to ${TOOL_LIMITS.name} characters long`,
    }),
    Matches(/\S/, { message: 'name must not be blank' }),
  );

export const ToolPriceRules = (field = 'priceCredits') =>
  allOf(
    IsInt(),
    Min(0, { message: `${field} must not be negative` }),
    Max(TOOL_LIMITS.maxPrice, { message: `${field} must be at most ${TOOL_LIMITS.maxPrice}` }),
  );

/** BAD_USER_INPUT naming the tools (of `names`) that are not `known`, if any. */
export function assertToolsKnown(names: string[], known: Iterable<string>, argument: string) {
  const set = new Set(known);
  const missing = names
    .filter((n) => !set.has(n))
    .map((n) => JSON.stringify(n.slice(0, 60)))
    .join(', ');
  if (missing) throw badInput(`This server has no tool ${missing}.`, { argument });
}
