/** Who asked for an account change; becomes the audit event's actor. */
export interface Actor {
  type: 'operator' | 'system' | 'user';
  /** Operator username, `system` component name, or the user's own username. */
  name: string;
}

/** Derived account state, in order of precedence: disabled, locked, must change, active. */
export type UserStatus = 'active' | 'must_change_password' | 'locked' | 'disabled';

/** Every {@link UserStatus}, for validation and docs. */
export const USER_STATUSES: readonly UserStatus[] = [
  'active',
  'must_change_password',
  'locked',
  'disabled',
];

/** What the admin side sees of an account: never the password hash. */
export interface UserSummary {
  username: string;
  status: UserStatus;
  mustChangePassword: boolean;
  /** Expiry of the temporary password while the user still has to change it, else null. */
  temporaryPasswordExpiresAt: Date | null;
  failedLogins: number;
  /** End of the current lock; null when the account is not locked now. */
  lockedUntil: Date | null;
  disabled: boolean;
  /** True after DeleteKeys until an administrator allows a new key pair. */
  keyCreationBlocked: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A freshly issued temporary password: shown once to the administrator, never stored in clear. */
export interface IssuedTemporaryPassword {
  username: string;
  temporaryPassword: string;
  temporaryPasswordExpiresAt: Date;
}

/** The answer of an admin change: the account afterwards, and whether anything changed. */
export interface AccountChange {
  /** False for an idempotent repeat (e.g. disabling a disabled account). */
  changed: boolean;
  user: UserSummary;
}

/** Query of {@link UserSummary} pages. */
export interface ListUsersQuery {
  /** Substring of the username (case-insensitive). */
  search?: string;
  status?: UserStatus;
  /** Default 0. */
  offset?: number;
  /** 1 to 500, default 50. */
  limit?: number;
}

/** One page of accounts, ordered by username, and the number of all that match. */
export interface UserPage {
  items: UserSummary[];
  total: number;
}

/** A successful login. */
export interface AuthenticatedUser {
  userId: number;
  username: string;
  /** True while the user holds a temporary password: only a password change is allowed. */
  mustChangePassword: boolean;
}
