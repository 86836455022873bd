import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ToolError } from './graphql';
import type {
  AgentData,
  AgentSummaryData,
  TaskData,
  ToolResultData,
  WalletData,
} from './operations';

/** A tool's success: the structured value and a text a person (or a model) reads. */
export function success(structured: Record<string, unknown>, text: string): CallToolResult {
  return { structuredContent: structured, content: [{ type: 'text', text }] };
}

/**
 * A failure as a tool result, never an exception: `"<CODE>: <message>"`. Anything that is not a
 * ToolError is a bug here and is reported without its details (the caller logs it).
 */
export function failure(err: unknown, hint?: string): CallToolResult {
  const e =
    err instanceof ToolError ? err : new ToolError('INTERNAL_SERVER_ERROR', 'Internal error.');
  return { isError: true, content: [{ type: 'text', text: hint ? `${e} ${hint}` : `${e}` }] };
}

// ---- agents ----

export const agentSummarySchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  priceCredits: z.number().int(),
  category: z.string(),
  tags: z.array(z.string()),
  available: z.boolean(),
  rating: z.object({ average: z.number().nullable(), count: z.number().int() }),
  provider: z.object({ name: z.string() }).nullable(),
});

export const agentSchema = agentSummarySchema.extend({
  url: z.string(),
  version: z.string(),
  status: z.string(),
  defaultInputModes: z.array(z.string()),
  defaultOutputModes: z.array(z.string()),
  skills: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      tags: z.array(z.string()),
      examples: z.array(z.string()),
    }),
  ),
  capabilities: z.object({
    streaming: z.boolean(),
    pushNotifications: z.boolean(),
    stateTransitionHistory: z.boolean(),
  }),
});

const ratingText = (r: AgentSummaryData['rating']) =>
  r.count ? `${r.average}/5 from ${r.count} review${r.count === 1 ? '' : 's'}` : 'no reviews yet';

export function agentLine(a: AgentSummaryData) {
  return (
    `- ${a.name} (id ${a.id}, slug ${a.slug}) — ${a.priceCredits} credits per task, ` +
    `${a.category}${a.tags.length ? ` [${a.tags.join(', ')}]` : ''}, ${ratingText(a.rating)}` +
    `${a.available ? '' : ', currently unavailable'}${a.provider ? `, by ${a.provider.name}` : ''}\n` +
    `  ${a.description}`
  );
}

export function agentText(a: AgentData) {
  const skills = a.skills.map(
    (s) =>
      `- ${s.name} (${s.id})${s.description ? `: ${s.description}` : ''}` +
      (s.examples.length ? `\n  e.g. ${s.examples.map((x) => JSON.stringify(x)).join(', ')}` : ''),
  );
  const caps = Object.entries(a.capabilities)
    .filter(([, on]) => on)
    .map(([k]) => k);
  return [
    agentLine(a),
    `Version ${a.version}, status ${a.status}; accepts ${a.defaultInputModes.join(', ') || 'text'}, ` +
      `produces ${a.defaultOutputModes.join(', ') || 'text'}; capabilities: ${caps.join(', ') || 'none'}.`,
    skills.length ? `Skills:\n${skills.join('\n')}` : 'No skills listed.',
    `Hire it with send_task {agentId: "${a.id}", text: "..."}.`,
  ].join('\n');
}

// ---- tasks ----

export const TERMINAL_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELED', 'REJECTED']);
/** States in which a task waits for its requester: waiting longer would be pointless. */
export const INTERRUPTED_STATES = new Set(['INPUT_REQUIRED', 'AUTH_REQUIRED']);

export const taskResultSchema = z.object({
  taskId: z.string(),
  state: z.string(),
  messages: z.array(z.object({ role: z.string(), text: z.string() })),
  artifacts: z.array(z.object({ name: z.string(), text: z.string() })),
  cost: z.number().int().nullable().describe('Credits captured for the task, once it completed.'),
  error: z.string().nullable(),
});
export type TaskResult = z.infer<typeof taskResultSchema>;

export function toTaskResult(t: TaskData): TaskResult {
  return {
    taskId: t.id,
    state: t.state,
    messages: t.messages.map((m) => ({ role: m.role, text: m.text })),
    artifacts: t.artifacts.map((a) => ({
      name: a.name ?? a.artifactId,
      text: a.parts
        .map(
          (p) => p.text ?? (p.data !== null && p.data !== undefined ? JSON.stringify(p.data) : ''),
        )
        .filter(Boolean)
        .join('\n'),
    })),
    cost: t.cost,
    error: t.error,
  };
}

export function taskText(t: TaskResult, note?: string) {
  const lines = [`Task ${t.taskId}: ${t.state}${t.error ? ` — ${t.error}` : ''}`];
  if (t.cost !== null) lines.push(`Cost: ${t.cost} credits.`);
  if (t.messages.length) {
    lines.push('', 'Messages:');
    for (const m of t.messages) lines.push(`${m.role}: ${m.text}`);
  }
  for (const a of t.artifacts) lines.push('', `Artifact "${a.name}":`, a.text);
  if (t.state === 'INPUT_REQUIRED')
    lines.push('', `The agent needs input: answer with reply_to_task {taskId: "${t.taskId}"}.`);
  if (t.state === 'AUTH_REQUIRED')
    lines.push('', 'The agent needs authorization before it can go on.');
  if (note) lines.push('', note);
  return lines.join('\n');
}

// ---- wallet and tools ----

export const walletSchema = z.object({
  balance: z.number().int().describe('Credits owned, including those held.'),
  held: z.number().int().describe('Credits reserved for running tasks.'),
  available: z.number().int().describe('balance - held: what new tasks may still hold.'),
});

export const walletText = (w: WalletData) =>
  `Balance ${w.balance} credits, ${w.held} held for running tasks, ${w.available} available.`;

export const toolCallSchema = z.object({
  isError: z.boolean(),
  content: z.array(
    z.object({
      kind: z.string(),
      text: z.string().nullable(),
      data: z.unknown(),
      mimeType: z.string().nullable(),
      uri: z.string().nullable(),
    }),
  ),
  structuredContent: z.unknown(),
  durationMs: z.number().nullable(),
});

type ContentBlock = CallToolResult['content'][number];

/** The remote tool's content as MCP content blocks (kinds as the callTool field reports them). */
export function toolContent(r: ToolResultData): ContentBlock[] {
  const blocks = r.content.map((c): ContentBlock => {
    const data = typeof c.data === 'string' ? c.data : undefined;
    switch (c.kind.toLowerCase()) {
      case 'image':
        if (data && c.mimeType) return { type: 'image', data, mimeType: c.mimeType };
        break;
      case 'audio':
        if (data && c.mimeType) return { type: 'audio', data, mimeType: c.mimeType };
        break;
      case 'resource':
      case 'resource_link':
        if (c.kind.toLowerCase() === 'resource' && c.uri && c.text !== null)
          return {
            type: 'resource',
            resource: { uri: c.uri, text: c.text, ...(c.mimeType && { mimeType: c.mimeType }) },
          };
        if (c.uri)
          return {
            type: 'resource_link',
            uri: c.uri,
            name: c.uri,
            ...(c.mimeType && { mimeType: c.mimeType }),
          };
        break;
    }
    if (c.text !== null) return { type: 'text', text: c.text };
    return { type: 'text', text: JSON.stringify(c.data ?? null) };
  });
  if (!blocks.length && r.structuredContent !== null && r.structuredContent !== undefined)
    blocks.push({ type: 'text', text: JSON.stringify(r.structuredContent) });
  return blocks;
}
