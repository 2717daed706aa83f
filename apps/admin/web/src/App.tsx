import { useEffect } from 'react';
import { returnPath, pageOf, type PageId, userOfPath } from './lib/routes';
import { AppContext } from './context';
import { Layout } from './components/Layout';
import { Loading } from './components/Feedback';
import { Link } from './components/Link';
import { type AppSession, type SessionState, useAppSession } from './app-session';
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
import { type SessionInfo } from './session';

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

/** Where the URL must go for the session state, or undefined where it may stay. */
function redirectFor(state: SessionState, page: PageId): string | undefined {
  return state.kind === 'signed-out'
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
}

export function App() {
  const app = useAppSession();
  const { state, api } = app;
  useLocationKey(); // re-render on navigation

  const page = pageOf(currentPathname());
  // Keep the URL in step with the state (in an effect: never navigate while rendering).
  const redirect = redirectFor(state, page);
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
    return <SignIn api={api} notice={state.notice} onSignedIn={app.onSignedIn} />;
  }

  const { session } = state;
  if (session.mustChangePassword) {
    return (
      <main id="main" className="auth-page">
        <ChangePassword
          api={api}
          username={session.username}
          forced
          currentPassword={app.signInPassword}
          onChanged={(next) => app.afterPasswordChange(session.username, next)}
          onCancel={app.signOut}
        />
      </main>
    );
  }

  return (
    <AppContext.Provider value={{ api, session }}>
      <Layout page={page} session={session} onSignOut={app.signOut}>
        <SignedInPage page={page} app={app} session={session} />
      </Layout>
    </AppContext.Provider>
  );
}

/** The page at the current URL for a signed-in operator. */
function SignedInPage({
  page,
  app,
  session,
}: {
  page: PageId;
  app: AppSession;
  session: SessionInfo;
}) {
  const search = currentSearch();
  return (
    <>
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
          api={app.api}
          username={session.username}
          forced={false}
          onChanged={(next) => app.afterPasswordChange(session.username, next)}
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
    </>
  );
}
