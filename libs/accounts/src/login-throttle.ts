import { type Clock } from '@dss/common';
import { type DssConfig } from '@dss/config';

/** The longest lock, in seconds, unless the configured base lock is itself longer. */
export const MAX_LOCKOUT_SECONDS = 3600;

/** Default bound of the in-memory table of unknown usernames. */
export const DEFAULT_THROTTLE_ENTRIES = 10_000;

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

interface Entry {
  failures: number;
  lockedUntil: number | null;
}

/**
 * Failure counters for login names that have no account, kept in memory so that an unknown
 * username locks exactly like a real one (otherwise "locked" would reveal that an account
 * exists). Bounded: past `maxEntries` the least recently failed name is forgotten.
 *
 * Per process: behind a load balancer each instance counts on its own, while real accounts count
 * in the database. The difference only shows after `maxFailures` tries spread over instances.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: LockoutPolicy,
    private readonly clock: Clock,
    private readonly maxEntries: number = DEFAULT_THROTTLE_ENTRIES,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError('maxEntries must be a positive integer');
    }
  }

  /** Seconds until `key` may try again, or 0. */
  retryAfterSeconds(key: string): number {
    return retryAfterSeconds(this.entries.get(key)?.lockedUntil, this.clock.now());
  }

  /** Counts a failure for `key`. */
  recordFailure(key: string): FailureOutcome {
    const previous = this.entries.get(key);
    const outcome = nextFailure(previous?.failures ?? 0, this.clock.now(), this.policy);
    // Delete and re-insert: Map keeps insertion order, so the first key is the stalest.
    this.entries.delete(key);
    this.entries.set(key, {
      failures: outcome.failures,
      lockedUntil: outcome.lockedUntil ?? previous?.lockedUntil ?? null,
    });
    while (this.entries.size > this.maxEntries) {
      const stalest = this.entries.keys().next().value;
      if (stalest === undefined) break;
      this.entries.delete(stalest);
    }
    return outcome;
  }

  /** Forgets `key`. */
  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Names currently tracked. */
  get size(): number {
    return this.entries.size;
  }
}
