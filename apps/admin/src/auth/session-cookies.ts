import { type CookieOptions, type Request, type Response } from 'express';
import { type IssuedSession } from './operator-sessions.service';
import { CSRF_COOKIE, SESSION_COOKIE } from './session-token';

/** SameSite=Strict, Path=/, Secure when the request came over HTTPS (`req.secure`). */
function base(req: Request): CookieOptions {
  return { sameSite: 'strict', path: '/', secure: req.secure };
}

/**
 * Sets the browser session: the token in an HttpOnly cookie, and the CSRF token in a cookie the
 * page's script can read and echo as `X-CSRF-Token` (double submit). Both end with the session.
 */
export function setSessionCookies(req: Request, res: Response, session: IssuedSession): void {
  if (session.kind !== 'cookie' || session.csrfToken === undefined) return;
  const maxAge = session.ttlSeconds * 1000;
  res.cookie(SESSION_COOKIE, session.token, { ...base(req), httpOnly: true, maxAge });
  res.cookie(CSRF_COOKIE, session.csrfToken, { ...base(req), httpOnly: false, maxAge });
}

/** Removes both cookies (logout, password change). */
export function clearSessionCookies(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { ...base(req), httpOnly: true });
  res.clearCookie(CSRF_COOKIE, { ...base(req), httpOnly: false });
}
