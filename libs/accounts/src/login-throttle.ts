import { type DssConfig } from '@dss/config';

/** The longest lock, in seconds, unless the configured base lock is itself longer. */
export const MAX_LOCKOUT_SECONDS = 3600;

/** When an account locks and for how long (DESIGN.md §5). */
export interface LockoutPolicy {
  /** Consecutive failures that start the first lock (`DSS_LOGIN_MAX_FAILURES`). */
  readonly maxFailures: number;
  /** Length of the first lock (`DSS_LOGIN_LOCKOUT_SECONDS`); each further failure doubles it. */
  readonly lockoutSeconds: number;
}

/** The lockout policy of a configuration. */
export function lockoutPolicyOf(
  config: Pick<DssConfig, 'loginMaxFailures' | 'loginLockoutSeconds'>,
): LockoutPolicy {
  const policy = {
    maxFailures: config.loginMaxFailures,
    lockoutSeconds: config.loginLockoutSeconds,
  };
  if (!Number.isInteger(policy.maxFailures) || policy.maxFailures < 1) {
    throw new RangeError('loginMaxFailures must be a positive integer');
  }
  if (!Number.isInteger(policy.lockoutSeconds) || policy.lockoutSeconds < 1) {
    throw new RangeError('loginLockoutSeconds must be a positive integer');
  }
  return policy;
}

/**
 * How long to lock after the `failures`-th consecutive failure: 0 below `maxFailures`, then
 * `lockoutSeconds · 2^(failures − maxFailures)`, capped at one hour (or at `lockoutSeconds` when
 * that is longer, so a configured lock is never shortened).
 */
export function lockoutSeconds(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.maxFailures) return 0;
  const cap = Math.max(MAX_LOCKOUT_SECONDS, policy.lockoutSeconds);
  const doublings = Math.min(failures - policy.maxFailures, 32);
  return Math.min(cap, policy.lockoutSeconds * 2 ** doublings);
}

/** Whole seconds until `lockedUntil` (rounded up), or 0 when it is absent or past. */
export function retryAfterSeconds(
  lockedUntil: Date | number | null | undefined,
  now: number,
): number {
  if (lockedUntil === null || lockedUntil === undefined) return 0;
  const until = typeof lockedUntil === 'number' ? lockedUntil : lockedUntil.getTime();
  return until > now ? Math.ceil((until - now) / 1000) : 0;
}

/** The counters after one more failure. */
export interface FailureOutcome {
  /** Consecutive failures so far, this one included. */
  failures: number;
  /** Seconds of the lock this failure starts, or 0 when it starts none. */
  lockSeconds: number;
  /** End of the lock (epoch ms), or null when this failure starts none. */
  lockedUntil: number | null;
}

/** Counts one more failure after `previousFailures` at time `now`. Pure. */
export function nextFailure(
  previousFailures: number,
  now: number,
  policy: LockoutPolicy,
): FailureOutcome {
  const failures = previousFailures + 1;
  const lockSeconds = lockoutSeconds(failures, policy);
  return { failures, lockSeconds, lockedUntil: lockSeconds > 0 ? now + lockSeconds * 1000 : null };
}
