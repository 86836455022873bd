import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { isPublisher, useSession } from '../session';

function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const [location] = useLocation();
  const current = href === '/' ? location === '/' : location.startsWith(href);
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { session, signOut } = useSession();
  const [, navigate] = useLocation();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand">
          Agentry
        </Link>
        <nav aria-label="Main">
          <NavLink href="/">Marketplace</NavLink>
          {session && <NavLink href="/tasks">My tasks</NavLink>}
          {session && <NavLink href="/wallet">Wallet</NavLink>}
          {isPublisher(session) && <NavLink href="/publish">Publish</NavLink>}
          {session && <NavLink href="/keys">API keys</NavLink>}
        </nav>
        <div className="account">
          {session ? (
            <>
              <span className="who">{session.user.name}</span>
              <button
                type="button"
                className="link"
                onClick={() => {
                  signOut();
                  navigate('/');
                }}
              >
                Sign out
              </button>
            </>
          ) : (
            <>
              <Link href="/signin">Sign in</Link>
              <Link href="/signup">Sign up</Link>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
