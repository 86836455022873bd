import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

/** The signed-in user as signIn/signUp returned them. */
export interface SessionUser {
  id: string;
  name: string;
  email?: string | null;
  roles: readonly string[];
}

export interface Session {
  token: string;
  user: SessionUser;
}

const STORAGE_KEY = 'agentry.session';

function load(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return typeof s?.token === 'string' && typeof s.user?.id === 'string' ? s : null;
  } catch {
    return null;
  }
}

interface SessionValue {
  session: Session | null;
  signIn(session: Session): void;
  signOut(): void;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Keeps the session in localStorage, so it survives a reload (and is shared by tabs). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(load);
  const signIn = useCallback((s: Session) => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
    setSession(s);
  }, []);
  const signOut = useCallback(() => {
    localStorage.removeItem(STORAGE_KEY);
    setSession(null);
  }, []);
  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider');
  return value;
}

export const isPublisher = (s: Session | null) =>
  !!s && (s.user.roles.includes('PUBLISHER') || s.user.roles.includes('ADMIN'));
