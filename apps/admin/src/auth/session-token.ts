import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The HttpOnly cookie that carries a browser session's token. */
export const SESSION_COOKIE = 'dss_admin_session';
/** The readable cookie with the CSRF token that cookie-authenticated writes echo in a header. */
export const CSRF_COOKIE = 'dss_csrf';
/** The header of the double-submit CSRF check (lower case, as Node presents headers). */
export const CSRF_HEADER = 'x-csrf-token';

/** Random bytes of a session token and of a CSRF token. */
const TOKEN_BYTES = 32;
/** 32 bytes as base64url without padding. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh 256-bit token, base64url (43 characters). */
export function newToken(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(TOKEN_BYTES);
  if (!Buffer.isBuffer(bytes) || bytes.length !== TOKEN_BYTES)
    throw new Error(`token: expected ${TOKEN_BYTES} random bytes`);
  return bytes.toString('base64url');
}

/** True when `value` has the shape of a token (checked before any database work). */
export function isWellFormedToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_PATTERN.test(value);
}

/** What is stored for a token: its SHA-256 in lower-case hex (the session id, or the CSRF hash). */
export function tokenHash(token: string): string {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time check that `presented` hashes to `expectedHashHex`. */
export function matchesHash(presented: unknown, expectedHashHex: string | null): boolean {
  if (!isWellFormedToken(presented) || expectedHashHex === null) return false;
  const a = Buffer.from(tokenHash(presented), 'hex');
  const b = Buffer.from(expectedHashHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** How a request presented its credential. */
export type Presented =
  { kind: 'bearer' | 'cookie'; token: string } | { kind: 'malformed' } | { kind: 'none' };

/**
 * The credential of a request: `Authorization: Bearer <token>` first, else the session cookie.
 * An Authorization header that is not a well-formed bearer token is `malformed` (never silently
 * ignored in favour of a cookie).
 */
export function presentedCredential(
  authorization: string | undefined,
  cookies: Readonly<Record<string, unknown>> | undefined,
): Presented {
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    return match && isWellFormedToken(match[1])
      ? { kind: 'bearer', token: match[1] }
      : { kind: 'malformed' };
  }
  const cookie = cookies?.[SESSION_COOKIE];
  if (cookie === undefined) return { kind: 'none' };
  return isWellFormedToken(cookie) ? { kind: 'cookie', token: cookie } : { kind: 'malformed' };
}
