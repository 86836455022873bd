import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { allOf, HttpUrlRules, URL_MAX } from '../shared/url.rules';

/** Limits of an agent's fields, shared by createAgent, updateAgent and registerAgent. */
export const LIMITS = {
  name: 100,
  description: 2000,
  url: URL_MAX,
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

export const NameRules = () =>
  allOf(
    Length(1, LIMITS.name, { message: `name must be 1 to ${LIMITS.name} characters long` }),
    Matches(/\S/, { message: 'name must not be blank' }),
  );

export const DescriptionRules = () =>
  MaxLength(LIMITS.description, {
    message: `description must be at most ${LIMITS.description} characters long`,
  });

export const UrlRules = () => HttpUrlRules('url');

export const VersionRules = () =>
  allOf(
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
  allOf(
    ArrayMaxSize(LIMITS.tags, { message: `at most ${LIMITS.tags} tags` }),
    Matches(TAG_PATTERN, {
      each: true,
      message: 'each tag must be a lowercase slug (a-z, 0-9, "-"), at most 30 characters',
    }),
  );

export const PriceRules = () =>
  allOf(
    IsInt(),
    Min(0, { message: 'priceCredits must not be negative' }),
    Max(LIMITS.maxPrice, { message: `priceCredits must be at most ${LIMITS.maxPrice}` }),
  );

export const SkillsRules = () =>
  allOf(
    ArrayMaxSize(LIMITS.skills, { message: `at most ${LIMITS.skills} skills` }),
    ValidateNested({ each: true }),
  );

export const ModesRules = (field: string) =>
  allOf(
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
