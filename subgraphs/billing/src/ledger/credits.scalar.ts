import { GraphQLScalarType, Kind } from 'graphql';

/**
 * The largest number of credits a balance, a held sum or an entry may reach: 2^53 - 1, the
 * largest whole number a JSON number carries exactly in every client (JavaScript included).
 * The columns are bigint; the ledger refuses a movement that would go past this before writing.
 */
export const MAX_CREDITS = Number.MAX_SAFE_INTEGER;

const isCredits = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && Math.abs(v) <= MAX_CREDITS;

/**
 * `Credits`: a whole number of credits, serialized as a JSON number (exact up to 2^53 - 1). Int
 * is 32-bit in GraphQL and cannot hold a balance over 2^31 - 1; a string would change every
 * client for sums no one sees in practice; a JSON number within the safe range loses nothing.
 */
export const CreditsScalar = new GraphQLScalarType({
  name: 'Credits',
  description:
    'A whole number of credits, as a JSON number: exact from -(2^53 - 1) to 2^53 - 1 (Int is 32-bit and too small for balances).',
  serialize(value) {
    const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (!isCredits(n)) throw new TypeError('Credits must be a whole number within 2^53 - 1.');
    return n;
  },
  parseValue(value) {
    if (!isCredits(value)) throw new TypeError('Credits must be a whole number within 2^53 - 1.');
    return value;
  },
  parseLiteral(ast) {
    const n = ast.kind === Kind.INT ? Number(ast.value) : NaN;
    if (!isCredits(n)) throw new TypeError('Credits must be a whole number within 2^53 - 1.');
    return n;
  },
});
