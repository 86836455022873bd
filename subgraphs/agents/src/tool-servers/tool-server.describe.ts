import { badInput } from '@agentry/core';
import { describeToolServer, type ToolServerDescription } from '@agentry/mcp-adapter';
import type { PeerSettings } from '../env';
import { checkPeer, type Check } from '../shared/refresher';
import type { ToolPrompt, ToolResource, ToolResourceTemplate } from './catalogue.type';
import type { ToolAnnotations } from './tool.entity';
import { TOOL_LIMITS } from './tool-server.rules';

/** A tool as catalogued, before the owner's price is attached. */
export interface CataloguedTool {
  name: string;
  title: string | null;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown> | null;
  annotations: ToolAnnotations | null;
}

/** What a server says about itself, as stored. */
export interface ToolCatalogue {
  serverName: string;
  serverVersion: string;
  instructions: string | null;
  tools: CataloguedTool[];
  resources: ToolResource[];
  resourceTemplates: ToolResourceTemplate[];
  prompts: ToolPrompt[];
}

/** The outcome of describing a server for a refresh. */
export type ToolServerCheck = Check<ToolCatalogue>;

/** Normalises a URL so that spellings of one endpoint are one listing (host case, default port). */
export function normalizeToolServerUrl(url: string): string {
  const normalized = new URL(url).href;
  if (normalized.length > TOOL_LIMITS.url) {
    throw badInput(`url must be at most ${TOOL_LIMITS.url} characters.`, { argument: 'url' });
  }
  return normalized;
}

const text = (v: string | undefined | null) => (v === undefined || v === null ? null : v);
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v ?? null));
// eslint-disable-next-line no-control-regex -- control characters are exactly what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Maps a description to what we store, refusing a server beyond our limits with BAD_USER_INPUT
 * (so a refresh records it as a failed check and keeps the last good catalogue).
 */
export function catalogueOf(d: ToolServerDescription, url: string): ToolCatalogue {
  const problems: string[] = [];
  const limit = (cond: boolean, problem: string) => {
    if (!cond && problems.length < 5) problems.push(problem);
  };
  const L = TOOL_LIMITS;
  limit(d.tools.length <= L.tools, `more than ${L.tools} tools`);
  limit(d.resources.length <= L.resources, `more than ${L.resources} resources`);
  limit(
    d.resourceTemplates.length <= L.resourceTemplates,
    `more than ${L.resourceTemplates} resource templates`,
  );
  limit(d.prompts.length <= L.prompts, `more than ${L.prompts} prompts`);
  limit(
    (d.serverInfo.name ?? '').length <= L.serverField &&
      (d.serverInfo.version ?? '').length <= L.serverField,
    `serverInfo longer than ${L.serverField} characters`,
  );
  limit(
    (d.instructions ?? '').length <= L.instructions,
    `instructions longer than ${L.instructions} characters`,
  );
  const seen = new Set<string>();
  for (const t of d.tools) {
    limit(
      t.name.length >= 1 && t.name.length <= L.toolName && !CONTROL.test(t.name),
      `tool name "${t.name.slice(0, 40)}" is empty, longer than ${L.toolName} characters or has control characters`,
    );
    limit(!seen.has(t.name), `tool "${t.name.slice(0, 40)}" is listed twice`);
    seen.add(t.name);
    limit(
      (t.description ?? '').length <= L.toolDescription,
      `tool ${t.name.slice(0, 40)}: description longer than ${L.toolDescription} characters`,
    );
    limit((t.title ?? '').length <= L.title, `tool ${t.name.slice(0, 40)}: title too long`);
    limit(
      typeof t.inputSchema === 'object' && t.inputSchema !== null && !Array.isArray(t.inputSchema),
      `tool ${t.name.slice(0, 40)}: inputSchema is not an object`,
    );
    limit(
      bytes(t.inputSchema) <= L.schemaBytes && bytes(t.outputSchema) <= L.schemaBytes,
      `tool ${t.name.slice(0, 40)}: a schema is larger than ${L.schemaBytes} bytes`,
    );
  }
  const fits = (...values: (string | undefined)[]) =>
    values.every((v) => (v ?? '').length <= L.text);
  for (const r of d.resources) {
    limit(
      r.uri.length <= L.uri && fits(r.name, r.title, r.description, r.mimeType),
      `resource ${r.uri.slice(0, 60)} has a field beyond our limits`,
    );
  }
  for (const r of d.resourceTemplates) {
    limit(
      r.uriTemplate.length <= L.uri && fits(r.name, r.description, r.mimeType),
      `resource template ${r.uriTemplate.slice(0, 60)} has a field beyond our limits`,
    );
  }
  for (const p of d.prompts) {
    limit(
      fits(p.name, p.description) &&
        p.arguments.length <= L.promptArguments &&
        p.arguments.every((a) => fits(a.name, a.description)),
      `prompt ${p.name.slice(0, 40)} has a field beyond our limits`,
    );
  }
  if (problems.length) {
    throw badInput(
      `The MCP server at ${url.slice(0, 200)} does not fit Agentry's limits: ${problems.join('; ')}.`,
      { argument: 'url' },
    );
  }
  return {
    serverName: d.serverInfo.name,
    serverVersion: d.serverInfo.version,
    instructions: text(d.instructions),
    tools: d.tools.map((t) => ({
      name: t.name,
      title: text(t.title ?? t.annotations?.title),
      description: t.description ?? '',
      inputSchema: t.inputSchema,
      outputSchema: t.outputSchema ?? null,
      annotations: t.annotations
        ? {
            title: text(t.annotations.title),
            readOnlyHint: t.annotations.readOnlyHint ?? null,
            destructiveHint: t.annotations.destructiveHint ?? null,
            idempotentHint: t.annotations.idempotentHint ?? null,
            openWorldHint: t.annotations.openWorldHint ?? null,
          }
        : null,
    })),
    resources: d.resources.map((r) => ({
      uri: r.uri,
      name: r.name,
      title: text(r.title),
      description: text(r.description),
      mimeType: text(r.mimeType),
    })),
    resourceTemplates: d.resourceTemplates.map((r) => ({
      uriTemplate: r.uriTemplate,
      name: r.name,
      description: text(r.description),
      mimeType: text(r.mimeType),
    })),
    prompts: d.prompts.map((p) => ({
      name: p.name,
      description: text(p.description),
      arguments: p.arguments.map((a) => ({
        name: a.name,
        description: text(a.description),
        required: a.required,
      })),
    })),
  };
}

/**
 * Describes the live server through the MCP adapter. TOOL_UNREACHABLE (or TIMEOUT) when it does
 * not answer, BAD_USER_INPUT for a URL the SSRF guard refuses or a server beyond our limits.
 */
export async function readToolServer(url: string, settings: PeerSettings): Promise<ToolCatalogue> {
  const description = await describeToolServer(url, {
    allowPrivate: settings.allowPrivate,
    timeoutMs: settings.timeoutMs,
  });
  return catalogueOf(description, url);
}

/** Describes the server for a refresh; a failure is an outcome to record, not an error. */
export const checkToolServer = (url: string, settings: PeerSettings): Promise<ToolServerCheck> =>
  // Whatever else broke, the server did not describe itself: record that, keep the details out.
  checkPeer(
    () => readToolServer(url, settings),
    () => 'TOOL_UNREACHABLE: the server could not be described.',
  );
