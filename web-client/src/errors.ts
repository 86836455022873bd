import type { CombinedError } from 'urql';

interface CodedError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** The errors inside whatever failed: a urql CombinedError, an AgentryError, or anything else. */
function graphQLErrors(error: unknown): CodedError[] {
  const e = error as Partial<CombinedError> & { errors?: CodedError[]; code?: string };
  if (Array.isArray(e?.graphQLErrors) && e.graphQLErrors.length) return e.graphQLErrors;
  if (Array.isArray(e?.errors) && e.errors.length) return e.errors;
  if (typeof e?.code === 'string' && typeof e.message === 'string')
    return [{ message: e.message, extensions: { code: e.code } }];
  return [];
}

export const errorCode = (error: unknown): string | undefined =>
  graphQLErrors(error)[0]?.extensions?.code as string | undefined;

/**
 * A message a person can act on, from an error's stable `extensions.code`. Server messages are
 * written for people already (and never carry internals), so they are the fallback.
 */
export function errorMessage(error: unknown): string {
  const [first] = graphQLErrors(error);
  if (!first) {
    if ((error as CombinedError)?.networkError)
      return 'Cannot reach Agentry. Check your connection and try again.';
    return error instanceof Error ? error.message : 'Something went wrong. Try again.';
  }
  const ext = first.extensions ?? {};
  switch (ext.code) {
    case 'INSUFFICIENT_CREDITS': {
      const required = Number(ext.required);
      const available = Number(ext.available);
      if (Number.isFinite(required) && Number.isFinite(available))
        return `You need ${required - available} more credits: this costs ${required} and you have ${available} available.`;
      return first.message;
    }
    case 'UNAUTHENTICATED':
      return 'Your session has ended or is missing. Sign in and try again.';
    case 'RATE_LIMITED':
      return 'Too many requests right now. Wait a moment and try again.';
    case 'AGENT_UNREACHABLE':
      return `${first.message} Check that the agent is running and the URL is right.`;
    case 'INTERNAL_SERVER_ERROR':
      return 'Something went wrong on our side. Try again in a moment.';
    default:
      return first.message;
  }
}
