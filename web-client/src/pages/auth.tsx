import { useState } from 'react';
import { Link, useLocation, useSearchParams } from 'wouter';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { ErrorNotice } from '../components/status';
import { useSession } from '../session';

const SignInMutation = graphql(`
  mutation SignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) {
      token
      user {
        id
        name
        email
        roles
      }
    }
  }
`);

const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      token
      user {
        id
        name
        email
        roles
      }
    }
  }
`);

/** The demo accounts `npm start` seeds (scripts/seed.ts); shown so a newcomer can just try. */
const DEMO = [
  { who: 'Grace (user with credits)', email: 'grace@agentry.dev', password: 'agentry-demo' },
  { who: 'Ada (publisher)', email: 'ada@agentry.dev', password: 'agentry-demo' },
];

/** Where to go after signing in: `?next=` when it is a path of this app, else the marketplace. */
function useNext() {
  const [params] = useSearchParams();
  const next = params.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [{ fetching, error }, signIn] = useMutation(SignInMutation);
  const session = useSession();
  const [, navigate] = useLocation();
  const next = useNext();
  return (
    <section className="auth" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await signIn({ email: email.trim(), password });
          if (r.data) {
            session.signIn(r.data.signIn);
            navigate(next);
          }
        }}
      >
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <ErrorNotice error={error} />
        <button type="submit" disabled={fetching}>
          Sign in
        </button>
      </form>
      <aside className="demo" aria-label="Demo accounts">
        <p>Just looking? Use a demo account:</p>
        <ul>
          {DEMO.map((d) => (
            <li key={d.email}>
              <button
                type="button"
                className="link"
                onClick={() => {
                  setEmail(d.email);
                  setPassword(d.password);
                }}
              >
                Fill in {d.who}
              </button>{' '}
              <code>{d.email}</code> / <code>{d.password}</code>
            </li>
          ))}
        </ul>
      </aside>
      <p>
        New here? <Link href="/signup">Create an account</Link>.
      </p>
    </section>
  );
}

export function SignUpPage() {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [publisher, setPublisher] = useState(false);
  const [{ fetching, error }, signUp] = useMutation(SignUpMutation);
  const session = useSession();
  const [, navigate] = useLocation();
  const next = useNext();
  return (
    <section className="auth" aria-labelledby="signup-title">
      <h1 id="signup-title">Sign up</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await signUp({
            input: { name: name.trim(), email: email.trim(), password, publisher },
          });
          if (r.data) {
            session.signIn(r.data.signUp);
            navigate(next);
          }
        }}
      >
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="new-password"
            minLength={8}
            maxLength={200}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <p className="by">At least 8 characters.</p>
        <label className="check">
          <input
            type="checkbox"
            checked={publisher}
            onChange={(e) => setPublisher(e.target.checked)}
          />
          I want to publish agents (publisher account)
        </label>
        <ErrorNotice error={error} />
        <button type="submit" disabled={fetching}>
          Sign up
        </button>
      </form>
      <p>
        Have an account? <Link href="/signin">Sign in</Link>.
      </p>
    </section>
  );
}
