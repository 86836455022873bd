import { ValidateBy } from 'class-validator';

/** The longest URL we store or fetch (agent endpoints, card URLs, MCP endpoints). */
export const URL_MAX = 2048;

/** Applies several property decorators as one. */
export const allOf =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const d of decorators) d(target, key);
  };

/**
 * An absolute http(s) URL. Parsed with WHATWG URL rather than a regex, so `javascript:`,
 * `data:` and friends are refused and what is stored is what a client will fetch.
 */
function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > URL_MAX || /\s/.test(value)) return false;
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

/** `field` must be an absolute http(s) URL without credentials (see isHttpUrl). */
export const HttpUrlRules = (field: string) =>
  ValidateBy(
    { name: 'isHttpUrl', validator: { validate: isHttpUrl } },
    {
      message: `${field} must be an absolute http:// or https:// URL without credentials, at most ${URL_MAX} characters`,
    },
  );
