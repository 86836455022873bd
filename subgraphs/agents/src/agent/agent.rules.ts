import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

/** Limits of an agent's fields, shared by create and update (and later registerAgent). */
export const LIMITS = {
  name: 100,
  description: 2000,
  url: 2048,
  version: 50,
  skills: 50,
  skillId: 100,
  skillName: 100,
  skillDescription: 1000,
  skillTags: 20,
  skillTag: 50,
  skillExamples: 10,
  skillExample: 500,
  tags: 20,
  modes: 20,
  mode: 100,
  maxPrice: 1_000_000,
  search: 200,
} as const;

export const CATEGORY_PATTERN = /^[a-z0-9][a-z0-9-]{0,49}$/;
export const TAG_PATTERN = /^[a-z0-9][a-z0-9-]{0,29}$/;
/**
 * A media type such as `text/plain`, or a short mode token such as `text` or `task-status`: the
 * A2A SDK's own sample agents use tokens, so refusing them would refuse real agents.
 */
const MODE_PATTERN =
  /^(?:[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9*][a-z0-9!#$&^_.+*-]*|[a-z0-9][a-z0-9_.+-]{0,49})$/i;

/** Applies several property decorators as one. */
const all =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const d of decorators) d(target, key);
  };

/**
 * An absolute http(s) URL. Parsed with WHATWG URL rather than a regex, so `javascript:`,
 * `data:` and friends are refused and what is stored is what a client will fetch.
 */
export function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > LIMITS.url || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.hostname.length > 0 &&
      !url.username &&
      !url.password
    );
  } catch {
    return false;
  }
}

export const NameRules = () =>
  all(
    Length(1, LIMITS.name, { message: `name must be 1 to ${LIMITS.name} characters long` }),
    Matches(/\S/, { message: 'name must not be blank' }),
  );

export const DescriptionRules = () =>
  MaxLength(LIMITS.description, {
    message: `description must be at most ${LIMITS.description} characters long`,
  });

export const UrlRules = () =>
  ValidateBy(
    { name: 'isHttpUrl', validator: { validate: isHttpUrl } },
    {
      message: `url must be an absolute http:// or https:// URL without credentials, at most ${LIMITS.url} characters`,
    },
  );

export const VersionRules = () =>
  all(
    Length(1, LIMITS.version, {
      message: `version must be 1 to ${LIMITS.version} characters long`,
    }),
    Matches(/\S/, { message: 'version must not be blank' }),
  );

export const CategoryRules = () =>
  Matches(CATEGORY_PATTERN, {
    message: 'category must be a lowercase slug (a-z, 0-9, "-"), at most 50 characters',
  });

export const TagsRules = () =>
  all(
    ArrayMaxSize(LIMITS.tags, { message: `at most ${LIMITS.tags} tags` }),
    Matches(TAG_PATTERN, {
      each: true,
      message: 'each tag must be a lowercase slug (a-z, 0-9, "-"), at most 30 characters',
    }),
  );

export const PriceRules = () =>
  all(
    IsInt(),
    Min(0, { message: 'priceCredits must not be negative' }),
    Max(LIMITS.maxPrice, { message: `priceCredits must be at most ${LIMITS.maxPrice}` }),
  );

export const SkillsRules = () =>
  all(
    ArrayMaxSize(LIMITS.skills, { message: `at most ${LIMITS.skills} skills` }),
    ValidateNested({ each: true }),
  );

export const ModesRules = (field: string) =>
  all(
    ArrayMinSize(1, { message: `${field} must name at least one media type` }),
    ArrayMaxSize(LIMITS.modes, {
      message: `${field} may name at most ${LIMITS.modes} media types`,
    }),
    MaxLength(LIMITS.mode, { each: true }),
    Matches(MODE_PATTERN, {
      each: true,
      message: `each of ${field} must be a media type such as text/plain (or a mode token such as text)`,
    }),
  );
