import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AdminApi } from './api/client';
import { ApiError, describeError, SESSION_EXPIRED_MESSAGE } from './api/errors';
import { type LoginResponse } from './api/types';
import { AppContext } from './context';
import { Layout } from './components/Layout';
import { Loading } from './components/Feedback';
import { Link } from './components/Link';
import { returnPath, pageOf, userOfPath } from './lib/routes';
import { AuditLog } from './pages/AuditLog';
import { ChangePassword } from './pages/ChangePassword';
import { Integrity } from './pages/Integrity';
import { KeyDeletions } from './pages/KeyDeletions';
import { Keys } from './pages/Keys';
import { Overview } from './pages/Overview';
import { SignIn } from './pages/SignIn';
import { Operators } from './pages/Operators';
import { UserPage } from './pages/UserPage';
import { Users } from './pages/Users';
import { currentPathname, currentSearch, navigate, useLocationKey } from './router';
import { loadSession, saveSession, type SessionInfo } from './session';

type State =
  | { kind: 'checking' }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'signed-in'; session: SessionInfo };

/** The page to come back to after signing in: where the operator was. */
function here(): string {
  const page = pageOf(currentPathname());
  return page === 'sign-in' || page === 'change-password'
    ? (new URLSearchParams(currentSearch()).get('next') ?? '/')
    : currentPathname() + currentSearch();
}

function signInPath(next: string): string {
  return next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
}

export function App() {
  const [state, setState] = useState<State>({ kind: 'checking' });
  /**
   * The password just typed on the sign-in form, while the server wants it changed: the forced
   * change form uses it as the current password instead of asking again. Held in memory only
   * (never stored), and dropped once the change is done or the operator signs out.
   */
  const [signInPassword, setSignInPassword] = useState<string>();
  const stateRef = useRef(state);
  stateRef.current = state;
  useLocationKey(); // re-render on navigation

  const signOutLocally = useCallback((notice?: string) => {
    saveSession(null);
    setSignInPassword(undefined);
    setState({ kind: 'signed-out', notice });
  }, []);

  const api = useMemo(
    () =>
      new AdminApi({
        fetch: (input, init) => window.fetch(input, init),
        cookies: () => document.cookie,
        onSessionExpired: () => {
          // While checking at start-up a 401 only means "not signed in".
          if (stateRef.current.kind === 'signed-in') signOutLocally(SESSION_EXPIRED_MESSAGE);
        },
      }),
    [signOutLocally],
  );

  // At start-up, ask the server whether the cookie session is still alive.
  useEffect(() => {
    const hint = loadSession();
    api.me().then(
      (me) => {
        const session = { username: me.username, role: me.role, mustChangePassword: false };
        saveSession(session);
        setState({ kind: 'signed-in', session });
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.code === 'password_change_required' && hint) {
          const session = { ...hint, mustChangePassword: true };
          saveSession(session);
          setState({ kind: 'signed-in', session });
          return;
        }
        signOutLocally(
          err instanceof ApiError && err.status === 401
            ? hint
              ? SESSION_EXPIRED_MESSAGE
              : undefined
            : err instanceof ApiError && err.code === 'password_change_required'
              ? undefined
              : describeError(err),
        );
      },
    );
  }, [api, signOutLocally]);

  const onSignedIn = (login: LoginResponse, password?: string): void => {
    setSignInPassword(login.mustChangePassword ? password : undefined);
    const session = {
      username: login.username,
      role: login.role,
      mustChangePassword: login.mustChangePassword,
    };
    saveSession(session);
    setState({ kind: 'signed-in', session });
  };

  const signOut = (): void => {
    api.logout().then(
      () => signOutLocally('You have signed out.'),
      () => signOutLocally('You have signed out.'),
    );
  };

  /** After a password change the server has ended every session: sign in again with it. */
  const afterPasswordChange = async (username: string, newPassword: string): Promise<void> => {
    setSignInPassword(undefined);
    try {
      onSignedIn(await api.login(username, newPassword));
      navigate('/', { replace: true });
    } catch {
      signOutLocally('Your password was changed. Sign in with your new password.');
    }
  };

  const page = pageOf(currentPathname());
  // Keep the URL in step with the state (in an effect: never navigate while rendering).
  const redirect =
    state.kind === 'signed-out'
      ? page === 'sign-in'
        ? undefined
        : signInPath(returnPath(here()))
      : state.kind === 'signed-in'
        ? state.session.mustChangePassword
          ? page === 'change-password'
            ? undefined
            : '/change-password'
          : page === 'sign-in'
            ? returnPath(here())
            : undefined
        : undefined;
  useEffect(() => {
    if (redirect !== undefined) navigate(redirect, { replace: true });
  }, [redirect]);

  if (state.kind === 'checking') {
    return (
      <main id="main" className="auth-page">
        <Loading label="Checking your session…" />
      </main>
    );
  }

  if (state.kind === 'signed-out') {
    return <SignIn api={api} notice={state.notice} onSignedIn={onSignedIn} />;
  }

  const { session } = state;
  if (session.mustChangePassword) {
    return (
      <main id="main" className="auth-page">
        <ChangePassword
          api={api}
          username={session.username}
          forced
          currentPassword={signInPassword}
          onChanged={(next) => afterPasswordChange(session.username, next)}
          onCancel={signOut}
        />
      </main>
    );
  }

  const search = currentSearch();
  return (
    <AppContext.Provider value={{ api, session }}>
      <Layout page={page} session={session} onSignOut={signOut}>
        {page === 'overview' && <Overview />}
        {page === 'users' && <Users search={search} />}
        {page === 'keys' && <Keys search={search} />}
        {page === 'audit' && <AuditLog search={search} />}
        {page === 'key-deletions' && <KeyDeletions search={search} />}
        {page === 'integrity' && <Integrity />}
        {page === 'operators' && <Operators />}
        {page === 'user' && <UserPage username={userOfPath(currentPathname()) ?? ''} />}
        {page === 'change-password' && (
          <ChangePassword
            api={api}
            username={session.username}
            forced={false}
            onChanged={(next) => afterPasswordChange(session.username, next)}
            onCancel={() => navigate('/')}
          />
        )}
        {page === 'not-found' && (
          <>
            <h1>Page not found</h1>
            <p>
              There is no such page. <Link to="/">Go to the overview</Link>.
            </p>
          </>
        )}
      </Layout>
    </AppContext.Provider>
  );
}
