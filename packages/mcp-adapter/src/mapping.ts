import type {
  BlobResourceContents,
  CallToolResult,
  ContentBlock,
  Prompt,
  Resource,
  ResourceTemplate,
  TextResourceContents,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type {
  PromptInfo,
  ResourceContent,
  ResourceInfo,
  ResourceTemplateInfo,
  ToolAnnotations,
  ToolCallResult,
  ToolContent,
  ToolInfo,
} from './types';

/*
 * MCP wire shapes (already checked by the SDK's schemas) -> Agentry's plain types. Only the
 * fields Agentry shows are copied: `_meta`, icons and the like stay behind.
 */

const ANNOTATION_KEYS = [
  'title',
  'readOnlyHint',
  'destructiveHint',
  'idempotentHint',
  'openWorldHint',
] as const;

export function fromMcpTool(tool: Tool): ToolInfo {
  const info: ToolInfo = {
    name: tool.name,
    description: tool.description ?? '',
    inputSchema: tool.inputSchema as Record<string, unknown>,
  };
  if (tool.title !== undefined) info.title = tool.title;
  if (tool.outputSchema) info.outputSchema = tool.outputSchema as Record<string, unknown>;
  if (tool.annotations) {
    const annotations: ToolAnnotations = {};
    for (const key of ANNOTATION_KEYS) {
      const value = tool.annotations[key];
      if (value !== undefined) (annotations as Record<string, unknown>)[key] = value;
    }
    info.annotations = annotations;
  }
  return info;
}

export function fromMcpResource(resource: Resource): ResourceInfo {
  return definedOnly({
    uri: resource.uri,
    name: resource.name,
    title: resource.title,
    description: resource.description,
    mimeType: resource.mimeType,
  });
}

export function fromMcpResourceTemplate(template: ResourceTemplate): ResourceTemplateInfo {
  return definedOnly({
    uriTemplate: template.uriTemplate,
    name: template.name,
    description: template.description,
    mimeType: template.mimeType,
  });
}

export function fromMcpPrompt(prompt: Prompt): PromptInfo {
  return definedOnly({
    name: prompt.name,
    description: prompt.description,
    arguments: (prompt.arguments ?? []).map((a) =>
      definedOnly({ name: a.name, description: a.description, required: a.required === true }),
    ),
  });
}

export function fromMcpResourceContents(
  contents: TextResourceContents | BlobResourceContents,
): ResourceContent {
  return definedOnly({
    uri: contents.uri,
    mimeType: contents.mimeType,
    text: 'text' in contents ? contents.text : undefined,
    blob: 'blob' in contents ? contents.blob : undefined,
  });
}

/** One MCP content block as a {@link ToolContent}. */
export function fromMcpContent(block: ContentBlock): ToolContent {
  switch (block.type) {
    case 'text':
      return { kind: 'TEXT', text: block.text };
    case 'image':
      return { kind: 'IMAGE', data: block.data, mimeType: block.mimeType };
    case 'audio':
      return { kind: 'AUDIO', data: block.data, mimeType: block.mimeType };
    case 'resource': {
      const resource = fromMcpResourceContents(block.resource);
      return definedOnly({
        kind: 'RESOURCE' as const,
        uri: resource.uri,
        mimeType: resource.mimeType,
        resource,
      });
    }
    case 'resource_link':
      return definedOnly({
        kind: 'RESOURCE_LINK' as const,
        uri: block.uri,
        name: block.name,
        mimeType: block.mimeType,
      });
  }
}

export function fromMcpCallToolResult(result: CallToolResult): ToolCallResult {
  const out: ToolCallResult = {
    isError: result.isError === true,
    content: result.content.map(fromMcpContent),
  };
  if (result.structuredContent) out.structuredContent = result.structuredContent;
  return out;
}

// Absent rather than `undefined`: results are compared, logged and stored as JSON.
function definedOnly<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
