import { useState, type FormEvent } from 'react';
import type { SessionApi } from '../session.js';

export const DEMO_PASSWORD = 'demo-password';

/** Email and password → a token kept for this tab. */
export function SignInForm({ signIn, demo }: { signIn: SessionApi['signIn']; demo: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    signIn(email, password)
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
      .finally(() => setBusy(false));
  };

  return (
    <section className="panel signin" aria-labelledby="signin-title">
      <h2 id="signin-title">Sign in</h2>
      <p className="meta">to see your own analyses, recommendations, reminders and matching runs live.</p>
      {demo && (
        <aside className="hint" data-testid="demo-hint">
          <p>
            This server runs the demo. Sign in as the job seeker <code>ada@demo.test</code> (or{' '}
            <code>rita@demo.test</code>, <code>admin@demo.test</code>) with the password{' '}
            <code>{DEMO_PASSWORD}</code>.
          </p>
          <button
            type="button"
            onClick={() => {
              setEmail('ada@demo.test');
              setPassword(DEMO_PASSWORD);
            }}
          >
            Fill in Ada
          </button>
        </aside>
      )}
      <form onSubmit={submit}>
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
