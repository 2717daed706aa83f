import {
  lockoutPolicyOf,
  lockoutSeconds,
  MAX_LOCKOUT_SECONDS,
  nextFailure,
  retryAfterSeconds,
} from './login-throttle';

const policy = lockoutPolicyOf({ loginMaxFailures: 3, loginLockoutSeconds: 60 });

describe('lockoutSeconds', () => {
  it('locks at maxFailures and doubles with each further failure, up to an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => lockoutSeconds(n, policy))).toEqual([
      0, 0, 60, 120, 240, 480, 960, 1920, 3600,
    ]);
    expect(lockoutSeconds(10_000, policy)).toBe(MAX_LOCKOUT_SECONDS);
  });

  it('never shortens a configured lock longer than an hour', () => {
    expect(lockoutSeconds(1, { maxFailures: 1, lockoutSeconds: 7200 })).toBe(7200);
    expect(lockoutSeconds(5, { maxFailures: 1, lockoutSeconds: 7200 })).toBe(7200);
  });

  it('rejects a nonsensical policy', () => {
    expect(() => lockoutPolicyOf({ loginMaxFailures: 0, loginLockoutSeconds: 60 })).toThrow(
      RangeError,
    );
    expect(() => lockoutPolicyOf({ loginMaxFailures: 3, loginLockoutSeconds: 0.5 })).toThrow(
      RangeError,
    );
  });
});

describe('retryAfterSeconds / nextFailure', () => {
  it('rounds the wait up and is 0 once the lock is over', () => {
    expect(retryAfterSeconds(null, 0)).toBe(0);
    expect(retryAfterSeconds(new Date(60_000), 0)).toBe(60);
    expect(retryAfterSeconds(60_000, 59_001)).toBe(1);
    expect(retryAfterSeconds(60_000, 60_000)).toBe(0);
  });

  it('counts failures and starts a lock from now', () => {
    expect(nextFailure(0, 1000, policy)).toEqual({
      failures: 1,
      lockSeconds: 0,
      lockedUntil: null,
    });
    expect(nextFailure(2, 1000, policy)).toEqual({
      failures: 3,
      lockSeconds: 60,
      lockedUntil: 61_000,
    });
  });
});
