/** Kinds of account that log in (the `kind` of `login_failures`). */
export type AccountKind = 'user' | 'operator';

/** How one login attempt ended. */
export type LoginAttemptOutcome = 'success' | 'failure' | 'locked';

/** Which counter a lock came from (docs/SECURITY.md, "Lockout"). */
export type LockScope = 'client' | 'account';

/**
 * Counters of the login flow for a metrics exporter to bind (provide {@link LOGIN_METRICS}); the
 * default counts nothing. Called after the attempt is decided, never with a name or a password.
 */
export interface LoginMetrics {
  attempt(kind: AccountKind, outcome: LoginAttemptOutcome): void;
  lockStarted(kind: AccountKind, scope: LockScope): void;
}

/** Injection token of the {@link LoginMetrics} binding. */
export const LOGIN_METRICS = Symbol('LOGIN_METRICS');

/** The default: no metrics. */
export const NO_LOGIN_METRICS: LoginMetrics = {
  attempt: () => undefined,
  lockStarted: () => undefined,
};
