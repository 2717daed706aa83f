/**
 * The operator's session in the dashboard: checked with the server at start-up, set by signing
 * in, ended by signing out or when the server answers that it expired.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AdminApi } from './api/client';
import { ApiError, describeError, SESSION_EXPIRED_MESSAGE } from './api/errors';
import { type LoginResponse } from './api/types';
import { navigate } from './router';
import { loadSession, saveSession, type SessionInfo } from './session';

export type SessionState =
  | { kind: 'checking' }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'signed-in'; session: SessionInfo };

export interface AppSession {
  state: SessionState;
  api: AdminApi;
  /** The password typed on the sign-in form while the server wants it changed (memory only). */
  signInPassword: string | undefined;
  onSignedIn: (login: LoginResponse, password?: string) => void;
  signOut: () => void;
  /** After a password change the server has ended every session: sign in again with it. */
  afterPasswordChange: (username: string, newPassword: string) => Promise<void>;
}

export function useAppSession(): AppSession {
  const [state, setState] = useState<SessionState>({ kind: 'checking' });
  /**
   * The password just typed on the sign-in form, while the server wants it changed: the forced
   * change form uses it as the current password instead of asking again. Held in memory only
   * (never stored), and dropped once the change is done or the operator signs out.
   */
  const [signInPassword, setSignInPassword] = useState<string>();
  const stateRef = useRef(state);
  stateRef.current = state;

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

  return { state, api, signInPassword, onSignedIn, signOut, afterPasswordChange };
}
