/**
 * Limits of a tool server listing and of the catalogue we keep of it. A server that describes
 * more than this is refused (never cut to fit): a missing tool would be a silent surprise.
 */
export const TOOL_LIMITS = {
  name: 100,
  url: 2048,
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
