import {
  ArrayMaxSize,
  IsBase64,
  IsMimeType,
  IsOptional,
  IsUrl,
  Length,
  MaxLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  validate,
  type ValidationError,
} from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { badInput } from '@agentry/core';
import { PartKind, type Part } from './part.type';

export const LIMITS = {
  text: 100_000,
  /** Serialized JSON size of `data`. */
  data: 100_000,
  files: 10,
  fileName: 255,
  mimeType: 255,
  uri: 2048,
  /** base64 characters of an inline file (~512 KiB of content); bigger files go by URI. */
  bytes: 700_000,
} as const;

@InputType({ description: 'A file to send: by http(s) URI, or inline as base64 bytes.' })
export class FileInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, LIMITS.fileName, { message: `name must be 1 to ${LIMITS.fileName} characters long` })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. `application/pdf`.' })
  @IsOptional()
  @MaxLength(LIMITS.mimeType)
  @IsMimeType({ message: 'mimeType must be a MIME type such as text/plain' })
  mimeType?: string | null;

  @Field(() => String, { nullable: true, description: 'An http(s) URL; required without bytes.' })
  // Checked when given, and when bytes are missing (then it is required).
  @ValidateIf((f: FileInput) => f.uri != null || f.bytes == null)
  @MaxLength(LIMITS.uri, { message: `uri must be at most ${LIMITS.uri} characters` })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'uri must be an http(s) URL (or give the file as bytes)' },
  )
  uri?: string | null;

  @Field(() => String, { nullable: true, description: 'The content, base64-encoded.' })
  @IsOptional()
  @MaxLength(LIMITS.bytes, {
    message: `bytes must be at most ${LIMITS.bytes} base64 characters; send bigger files by uri`,
  })
  @IsBase64({}, { message: 'bytes must be base64' })
  bytes?: string | null;
}

const JsonMaxSize = (max: number) =>
  ValidateBy({
    name: 'jsonMaxSize',
    validator: {
      validate: (value: unknown) => value == null || JSON.stringify(value).length <= max,
      defaultMessage: () => `data must be at most ${max} characters as JSON`,
    },
  });

/** What a requester sends an agent: text, structured data and/or files (at least one). */
@InputType({ description: 'What to send an agent: text, data and/or files (at least one).' })
export class TaskInput {
  @Field(() => String, { nullable: true, description: `At most ${LIMITS.text} characters.` })
  @IsOptional()
  @MaxLength(LIMITS.text, { message: `text must be at most ${LIMITS.text} characters` })
  text?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Structured input (any JSON).' })
  @IsOptional()
  @JsonMaxSize(LIMITS.data)
  data?: unknown;

  @Field(() => [FileInput], { nullable: true, description: `At most ${LIMITS.files} files.` })
  @IsOptional()
  @ArrayMaxSize(LIMITS.files, { message: `at most ${LIMITS.files} files` })
  @ValidateNested({ each: true })
  files?: FileInput[] | null;
}

/** Plain objects (CLI, runner) become instances so the decorators above apply to them too. */
function asTaskInput(input: TaskInput): TaskInput {
  const out = Object.assign(new TaskInput(), input);
  if (Array.isArray(input.files))
    out.files = input.files.map((f) => Object.assign(new FileInput(), f));
  return out;
}

/**
 * Validates a task input wherever it comes from and turns it into message parts, or throws
 * BAD_USER_INPUT (with the same field list type-graphql's validation gives).
 */
export async function taskInputToParts(input: TaskInput): Promise<Part[]> {
  const instance = asTaskInput(input);
  const errors: ValidationError[] = await validate(instance, { forbidUnknownValues: false });
  if (errors.length) throw badInput('Invalid task input.', { validationErrors: errors });
  const parts: Part[] = [];
  const text = instance.text?.trim() ? instance.text : null;
  if (text) parts.push({ kind: PartKind.TEXT, text });
  if (instance.data != null) parts.push({ kind: PartKind.DATA, data: instance.data });
  for (const f of instance.files ?? []) {
    parts.push({
      kind: PartKind.FILE,
      file: {
        name: f.name ?? null,
        mimeType: f.mimeType ?? null,
        uri: f.uri ?? null,
        bytes: f.bytes ?? null,
      },
    });
  }
  if (!parts.length)
    throw badInput('Give the agent something: text, data or at least one file.', {
      argument: 'input',
    });
  return parts;
}
