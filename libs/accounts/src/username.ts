import { DomainError, ErrorCode } from '@dss/common';

/** Usernames as stored (DESIGN.md §3): 3–64 of `[a-z0-9._-]`, already normalized. */
export const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/;

/**
 * The stored form of a username as typed: surrounding whitespace removed, lower case. Login,
 * registration and admin look-ups all go through this, so `Alice ` and `alice` are one account.
 */
export function normalizeUsername(input: string): string {
  if (typeof input !== 'string') throw new TypeError('username must be a string');
  return input.trim().toLowerCase();
}

/** True when `username` (already normalized) is an acceptable stored username. */
export function isValidUsername(username: string): boolean {
  return typeof username === 'string' && USERNAME_PATTERN.test(username);
}

/**
 * Throws `DomainError(invalid_username)` unless `username` (already normalized) matches
 * {@link USERNAME_PATTERN}.
 */
export function assertValidUsername(username: string): void {
  if (!isValidUsername(username)) {
    throw new DomainError(
      ErrorCode.InvalidUsername,
      'username must be 3 to 64 characters of a-z, 0-9, ".", "_" or "-"',
    );
  }
}
