import {
  IsBase64,
  IsMimeType,
  IsOptional,
  IsUrl,
  Length,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { Field, InputType } from 'type-graphql';

const LIMITS = {
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
