// The text rules of every input: one definition, used by the subgraph kit and the adapters.
/**
 * What a text input may contain. The subgraph kit checks every `String` and `ID` argument and input
 * field against one of these before a resolver runs (so a refused call writes nothing: no hold,
 * no ledger row); the card reader checks what an agent card says the same way:
 * - `line` (the default): one line of text — no control characters at all (C0, DEL, C1), no
 *   line or paragraph separators (U+2028/2029), no bidi embeddings, overrides or isolates
 *   (U+202A-202E, U+2066-2069), no lone surrogates. Names, slugs, e-mails, URLs, search, ids.
 * - `multiline`: like `line` but tab, line feed and carriage return are allowed (descriptions
 *   shown in the catalogue: still no bidi controls, which could disguise what a listing says).
 * - `prose`: tab, line feed, carriage return and bidi controls are allowed (people writing to
 *   people or to agents: review bodies, task messages, passwords); other control characters and
 *   lone surrogates are refused (NUL cannot be stored in PostgreSQL text).
 */
export type TextRule = 'line' | 'multiline' | 'prose';

// Control characters are what these patterns are for.
/* eslint-disable no-control-regex */
const FORBIDDEN: Record<TextRule, RegExp> = {
  line: /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Cs}/u,
  multiline:
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Cs}/u,
  prose: /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/u,
};
/* eslint-enable no-control-regex */

const ALLOWED: Record<TextRule, string> = {
  line: 'must be one line of text without control or bidi characters',
  multiline: 'must not contain control characters (other than tab and newline) or bidi characters',
  prose: 'must not contain control characters other than tab and newline',
};

/** The first problem of `value` under `rule`, or undefined. */
export function textProblem(value: string, rule: TextRule = 'line'): string | undefined {
  return FORBIDDEN[rule].test(value) ? ALLOWED[rule] : undefined;
}
