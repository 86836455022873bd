import type { ReactNode } from 'react';
import { errorMessage } from '../errors';

/** A failure, as a message a person can act on; announced to screen readers. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="notice error" role="alert">
      {errorMessage(error)}
    </p>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** "Sign in to …" with a link that comes back here afterwards. */
export function SignInFirst({ to }: { to: string }) {
  const next = encodeURIComponent(location.pathname + location.search);
  return (
    <p className="notice">
      <a href={`/signin?next=${next}`}>Sign in</a> to {to}.
    </p>
  );
}
