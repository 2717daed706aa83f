import { DomainError, ErrorCode, SessionEndedError } from '@dss/common';
import { type ChannelSession } from '@dss/secure-channel';

/** The logged-in user of an authenticated session. */
export interface Caller {
  userId: number;
  username: string;
  /** When this session logged in (ms since the epoch). */
  authenticatedAt: number;
}

/** The caller of an authenticated session (the interceptor has checked the state). */
export function callerOf(session: ChannelSession): Caller {
  if (session.userId === undefined || session.username === undefined) {
    throw new DomainError(ErrorCode.NotAuthenticated, 'log in first');
  }
  return {
    userId: session.userId,
    username: session.username,
    authenticatedAt: session.authenticatedAt ?? 0,
  };
}

/** The user-row fields that decide whether a session's login still holds. */
export interface SessionValidityFields {
  disabledAt: Date | null;
  sessionsValidAfter: Date | null;
}

/** True when the caller's login still holds against the user row as it is now. */
export function loginStillValid(
  user: SessionValidityFields | null | undefined,
  caller: Caller,
): boolean {
  if (!user || user.disabledAt !== null) return false;
  return (
    user.sessionsValidAfter === null || caller.authenticatedAt >= user.sessionsValidAfter.getTime()
  );
}

/** Throws {@link SessionEndedError} when the account was disabled or its password reset since login. */
export function assertLoginStillValid(
  user: SessionValidityFields | null | undefined,
  caller: Caller,
): void {
  if (!loginStillValid(user, caller)) throw new SessionEndedError();
}
