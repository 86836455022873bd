import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

export enum PartKind {
  TEXT = 'TEXT',
  DATA = 'DATA',
  FILE = 'FILE',
}
registerEnumType(PartKind, {
  name: 'PartKind',
  description: 'What a message or artifact part holds.',
});

@ObjectType({ description: 'A file in a message or artifact: by URI or inline (base64).' })
export class FilePart {
  @Field(() => String, { nullable: true })
  name?: string | null;
  @Field(() => String, { nullable: true })
  mimeType?: string | null;
  @Field(() => String, { nullable: true })
  uri?: string | null;
  @Field(() => String, { nullable: true, description: 'The content, base64-encoded.' })
  bytes?: string | null;
}

/**
 * One part of a message or artifact, stored as jsonb exactly in this shape, so reading needs no
 * mapping; the A2A adapter converts to and from A2A parts.
 */
@ObjectType({ description: 'One part of a message or artifact: text, structured data or a file.' })
export class Part {
  @Field(() => PartKind)
  kind!: PartKind;
  @Field(() => String, { nullable: true })
  text?: string | null;
  @Field(() => GraphQLJSON, { nullable: true })
  data?: unknown;
  @Field(() => FilePart, { nullable: true })
  file?: FilePart | null;
}

/** Text parts joined, e.g. for `TaskMessage.text`. */
export const partsText = (parts: Part[]) =>
  parts
    .filter((p) => p.kind === PartKind.TEXT && typeof p.text === 'string')
    .map((p) => p.text)
    .join('\n');

/** A file part in its stored shape: every field present, null when not given. */
export const filePart = (f: FilePart): Part => ({
  kind: PartKind.FILE,
  file: {
    name: f.name ?? null,
    mimeType: f.mimeType ?? null,
    uri: f.uri ?? null,
    bytes: f.bytes ?? null,
  },
});
