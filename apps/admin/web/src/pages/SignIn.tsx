import { type FormEvent, useEffect, useState } from 'react';
import { type AdminApi } from '../api/client';
import { describeError } from '../api/errors';
import { type LoginResponse } from '../api/types';
import { ErrorMessage, Notice } from '../components/Feedback';
import { useTitle } from '../hooks';

/** The sign-in form; opens a cookie session. */
export function SignIn({
  api,
  notice,
  onSignedIn,
}: {
  api: AdminApi;
  /** Why the operator is here (e.g. the session expired), shown above the form. */
  notice?: string;
  /** With the password typed, for a password change the server may require right away. */
  onSignedIn: (login: LoginResponse, password: string) => void;
}) {
  useTitle('Sign in');
  // The first-start hint only while the bootstrap admin has never signed in.
  const [firstStart, setFirstStart] = useState(false);
  useEffect(() => {
    let current = true;
    api.signInStatus().then(
      (status) => current && setFirstStart(status.bootstrapAdminPending),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api]);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const login = await api.login(username.trim(), password);
      setPassword('');
      onSignedIn(login, password);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <main id="main" className="auth-page">
      <div className="auth-card">
        <p className="brand brand-large">
          DSS <span>admin</span>
        </p>
        <h1>Sign in</h1>
        {notice && <Notice tone="warning">{notice}</Notice>}
        <ErrorMessage>{error}</ErrorMessage>
        <form onSubmit={(event) => void submit(event)} className="form">
          <div className="field">
            <label htmlFor="username">Username</label>
            <input
              id="username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              autoFocus
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <button type="submit" className="button button-primary button-block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        {firstStart && (
          <p className="hint">
            First sign-in: the user is <code>admin</code>, and the password is the one set in{' '}
            <code>DSS_ADMIN_BOOTSTRAP_PASSWORD</code> or written to{' '}
            <code>data/initial-admin-password</code> on the server.
          </p>
        )}
      </div>
    </main>
  );
}
