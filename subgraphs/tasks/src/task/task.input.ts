import {
  ArrayMaxSize,
  IsOptional,
  MaxLength,
  ValidateBy,
  ValidateNested,
  validate,
  type ValidationError,
} from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { badInput } from '@agentry/core';
import { FileInput } from './file.input';
import { PartKind, filePart, type Part } from './part.type';

const LIMITS = {
  text: 100_000,
  /** Serialized JSON size of `data`. */
  data: 100_000,
  files: 10,
} as const;

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
  for (const f of instance.files ?? []) parts.push(filePart(f));
  if (!parts.length)
    throw badInput('Give the agent something: text, data or at least one file.', {
      argument: 'input',
    });
  return parts;
}
