/** Every entity id is a UUID (PostgreSQL's gen_random_uuid); compare them in lower case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` is a UUID; check arguments before they reach SQL. */
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID_PATTERN.test(s);
