import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditAction, type AuditEventInput, AuditService } from '@dss/audit';
import { type Clock, CLOCK, DomainError, ErrorCode } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { isUniqueViolation, TransactionRunner, UserEntity } from '@dss/persistence';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type AccountChange,
  type Actor,
  type AuthenticatedUser,
  type IssuedTemporaryPassword,
  type ListUsersQuery,
  USER_STATUSES,
  type UserPage,
  type UserStatus,
  type UserSummary,
} from './account.types';
import {
  type FailureOutcome,
  type LockoutPolicy,
  lockoutPolicyOf,
  LoginThrottle,
  nextFailure,
  retryAfterSeconds,
} from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { checkPasswordPolicy, commonPasswordSet } from './password-policy';
import { canonicalizeTemporaryPassword, generateTemporaryPassword } from './temporary-password';
import { assertValidUsername, isValidUsername, normalizeUsername } from './username';

/** Why a login failed: for the audit trail only, never for the wire. */
export type LoginFailureReason =
  'wrong_password' | 'unknown_user' | 'disabled' | 'expired_temporary';

/** Actor recorded for automatic locks. */
const SYSTEM_ACTOR = 'accounts';
/** Longest attempted username written to the audit trail, in code points. */
const MAX_AUDITED_NAME_CHARS = 64;
/** Longest client description written to the audit trail, in code points. */
const MAX_AUDITED_CLIENT_CHARS = 128;
/** Longest key of the in-memory table of unknown usernames. */
const MAX_THROTTLE_KEY_CHARS = 128;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;
const HOUR_MS = 3_600_000;

const ACTOR_TYPES = new Set<Actor['type']>(['operator', 'system', 'user']);

function truncate(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : chars.slice(0, max).join('');
}

function invalidCredentials(): DomainError {
  return new DomainError(ErrorCode.InvalidCredentials, 'invalid username or password');
}

function tooManyAttempts(retryAfter: number): DomainError {
  return new DomainError(ErrorCode.TooManyAttempts, 'too many failed attempts; try again later', {
    retryAfterSeconds: retryAfter,
  });
}

function notFound(): DomainError {
  return new DomainError(ErrorCode.NotFound, 'no such user');
}

function assertActor(actor: Actor): void {
  if (
    typeof actor !== 'object' ||
    actor === null ||
    !ACTOR_TYPES.has(actor.type) ||
    typeof actor.name !== 'string' ||
    actor.name === '' ||
    actor.name.length > 128
  ) {
    throw new TypeError('actor must be { type: operator | system | user, name: 1..128 chars }');
  }
}

function assertString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
}

/** Escapes LIKE wildcards with `!` (an escape character both engines read the same way). */
function likeContains(search: string): string {
  return `%${search.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

function isLocked(user: UserEntity, now: number): boolean {
  return user.lockedUntil !== null && user.lockedUntil.getTime() > now;
}

function isTemporaryExpired(user: UserEntity, now: number): boolean {
  return (
    user.mustChangePassword &&
    user.tempPasswordExpiresAt !== null &&
    user.tempPasswordExpiresAt.getTime() <= now
  );
}

function statusOf(user: UserEntity, now: number): UserStatus {
  if (user.disabledAt !== null) return 'disabled';
  if (isLocked(user, now)) return 'locked';
  return user.mustChangePassword ? 'must_change_password' : 'active';
}

function toSummary(user: UserEntity, now: number): UserSummary {
  return {
    username: user.username,
    status: statusOf(user, now),
    mustChangePassword: user.mustChangePassword,
    temporaryPasswordExpiresAt: user.mustChangePassword ? user.tempPasswordExpiresAt : null,
    failedLogins: user.failedLogins,
    lockedUntil: isLocked(user, now) ? user.lockedUntil : null,
    disabled: user.disabledAt !== null,
    keyCreationBlocked: user.keyCreationBlocked,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/** The reason a login with a correct-or-not password fails, or null when it succeeds. */
function failureReason(
  user: UserEntity,
  passwordOk: boolean,
  now: number,
): LoginFailureReason | null {
  if (user.disabledAt !== null) return 'disabled';
  if (!passwordOk) return 'wrong_password';
  if (isTemporaryExpired(user, now)) return 'expired_temporary';
  return null;
}

/** What the user typed, read as a temporary password while they hold one. */
function candidateOf(user: UserEntity, password: string): string {
  return user.mustChangePassword ? (canonicalizeTemporaryPassword(password) ?? password) : password;
}

/**
 * Employee accounts (DESIGN.md §5): registration with one-time temporary passwords, login with
 * lockout, password changes, and the admin operations. Every change commits together with its
 * audit event, in one transaction. Passwords and hashes are never logged or returned, except the
 * temporary password, returned once by {@link register} and {@link resetPassword}.
 */
@Injectable()
export class AccountsService implements OnModuleInit {
  private readonly lockout: LockoutPolicy;
  /** Failure counters for usernames without an account (no user enumeration). */
  private readonly unknownUsers: LoginThrottle;

  constructor(
    private readonly ds: DataSource,
    private readonly runner: TransactionRunner,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DSS_CONFIG) private readonly config: DssConfig,
  ) {
    this.lockout = lockoutPolicyOf(config);
    this.unknownUsers = new LoginThrottle(this.lockout, clock);
  }

  /** Loads the common-password list at start-up, so a missing data file stops the boot. */
  onModuleInit(): void {
    commonPasswordSet();
  }

  // ---------------------------------------------------------------- admin operations

  /**
   * Creates an account with a temporary password that must be changed at first login and
   * expires after `tempPasswordTtlHours`. Audited as `user.registered` (without the password).
   *
   * `profile` holds the optional full name and e-mail address written into the user's
   * certificates (CN and subjectAltName).
   *
   * @throws DomainError `invalid_username`, `user_exists`, `invalid_request` (bad profile)
   */
  async register(
    username: string,
    actor: Actor,
    profile: UserProfile = {},
  ): Promise<IssuedTemporaryPassword> {
    assertActor(actor);
    const name = normalizeUsername(username);
    assertValidUsername(name);
    const { fullName, email } = checkedProfile(profile);
    // Saves a bcrypt for the common case; the unique index decides under concurrency.
    if (await this.ds.getRepository(UserEntity).existsBy({ username: name }))
      throw this.userExists(name);
    const temporaryPassword = generateTemporaryPassword();
    const passwordHash = await this.hasher.hash(temporaryPassword);
    const now = new Date(this.clock.now());
    const temporaryPasswordExpiresAt = this.temporaryExpiry(now);
    try {
      await this.runner.run(async (m) => {
        await m.insert(UserEntity, {
          username: name,
          passwordHash,
          mustChangePassword: true,
          tempPasswordExpiresAt: temporaryPasswordExpiresAt,
          failedLogins: 0,
          lockedUntil: null,
          disabledAt: null,
          keyCreationBlocked: false,
          fullName,
          email,
          createdAt: now,
          updatedAt: now,
        });
        await this.audit.append(m, {
          ...this.actorOf(actor),
          action: AuditAction.UserRegistered,
          subject: name,
          details: {
            temporaryPasswordExpiresAt: temporaryPasswordExpiresAt.toISOString(),
            ...(fullName ? { fullName } : {}),
            ...(email ? { email } : {}),
          },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw this.userExists(name);
      throw err;
    }
    return { username: name, temporaryPassword, temporaryPasswordExpiresAt };
  }

  /**
   * Issues a new temporary password (must be changed at next login), and clears failures and
   * any lock. Does not enable a disabled account. Audited as `user.password_reset`.
   *
   * @throws DomainError `not_found`
   */
  async resetPassword(username: string, actor: Actor): Promise<IssuedTemporaryPassword> {
    assertActor(actor);
    const name = this.lookupName(username);
    if (!(await this.ds.getRepository(UserEntity).existsBy({ username: name }))) throw notFound();
    const temporaryPassword = generateTemporaryPassword();
    const passwordHash = await this.hasher.hash(temporaryPassword);
    return this.runner.run(async (m) => {
      const user = await this.lockByName(m, name);
      const now = new Date(this.clock.now());
      const temporaryPasswordExpiresAt = this.temporaryExpiry(now);
      const clearedLockout = user.failedLogins !== 0 || user.lockedUntil !== null;
      await m.update(
        UserEntity,
        { id: user.id },
        {
          passwordHash,
          mustChangePassword: true,
          tempPasswordExpiresAt: temporaryPasswordExpiresAt,
          failedLogins: 0,
          lockedUntil: null,
          sessionsValidAfter: now,
          updatedAt: now,
        },
      );
      await this.audit.append(m, {
        ...this.actorOf(actor),
        action: AuditAction.UserPasswordReset,
        subject: name,
        details: {
          changed: true,
          clearedLockout,
          temporaryPasswordExpiresAt: temporaryPasswordExpiresAt.toISOString(),
        },
      });
      return { username: name, temporaryPassword, temporaryPasswordExpiresAt };
    });
  }

  /**
   * Disables the account: logins fail with `invalid_credentials`, and secure sessions already
   * logged in end at their next operation (`sessions_valid_after`). Idempotent. Audited as
   * `user.disabled`.
   *
   * @throws DomainError `not_found`
   */
  disable(username: string, actor: Actor): Promise<AccountChange> {
    return this.change(username, actor, AuditAction.UserDisabled, (user, now) =>
      user.disabledAt === null ? { disabledAt: now, sessionsValidAfter: now } : {},
    );
  }

  /**
   * Enables the account and clears failures and any lock. Idempotent. Audited as `user.enabled`.
   *
   * @throws DomainError `not_found`
   */
  enable(username: string, actor: Actor): Promise<AccountChange> {
    return this.change(username, actor, AuditAction.UserEnabled, (user) => ({
      ...(user.disabledAt !== null ? { disabledAt: null } : {}),
      ...(user.failedLogins !== 0 ? { failedLogins: 0 } : {}),
      ...(user.lockedUntil !== null ? { lockedUntil: null } : {}),
    }));
  }

  /**
   * Allows a new key pair after DeleteKeys (clears `keyCreationBlocked`). Idempotent. Audited as
   * `user.key_creation_allowed`.
   *
   * @throws DomainError `not_found`
   */
  allowNewKey(username: string, actor: Actor): Promise<AccountChange> {
    return this.change(username, actor, AuditAction.UserKeyCreationAllowed, (user) =>
      user.keyCreationBlocked ? { keyCreationBlocked: false } : {},
    );
  }

  /**
   * One page of accounts ordered by username, filtered by username substring and status.
   *
   * @throws DomainError `invalid_request` for a bad status, offset or limit
   */
  async list(query: ListUsersQuery = {}): Promise<UserPage> {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? DEFAULT_PAGE;
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new DomainError(ErrorCode.InvalidRequest, 'offset must be a non-negative integer');
    }
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new DomainError(
        ErrorCode.InvalidRequest,
        `limit must be an integer from 1 to ${MAX_PAGE}`,
      );
    }
    if (query.status !== undefined && !USER_STATUSES.includes(query.status)) {
      throw new DomainError(
        ErrorCode.InvalidRequest,
        `status must be one of ${USER_STATUSES.join(', ')}`,
      );
    }
    const now = this.clock.now();
    const qb = this.ds.getRepository(UserEntity).createQueryBuilder('u');
    const search = query.search?.trim().toLowerCase();
    if (search)
      qb.andWhere("u.username LIKE :pattern ESCAPE '!'", { pattern: likeContains(search) });
    const notLocked = '(u.lockedUntil IS NULL OR u.lockedUntil <= :now)';
    switch (query.status) {
      case undefined:
        break;
      case 'disabled':
        qb.andWhere('u.disabledAt IS NOT NULL');
        break;
      case 'locked':
        qb.andWhere('u.disabledAt IS NULL AND u.lockedUntil > :now');
        break;
      case 'must_change_password':
        qb.andWhere(`u.disabledAt IS NULL AND ${notLocked} AND u.mustChangePassword = 1`);
        break;
      case 'active':
        qb.andWhere(`u.disabledAt IS NULL AND ${notLocked} AND u.mustChangePassword = 0`);
        break;
    }
    qb.setParameter('now', new Date(now));
    const [rows, total] = await qb
      .orderBy('u.username', 'ASC')
      .offset(offset)
      .limit(limit)
      .getManyAndCount();
    return { items: rows.map((row) => toSummary(row, now)), total };
  }

  /**
   * One account.
   *
   * @throws DomainError `not_found`
   */
  async get(username: string): Promise<UserSummary> {
    const name = this.lookupName(username);
    const user = await this.ds.getRepository(UserEntity).findOneBy({ username: name });
    if (!user) throw notFound();
    return toSummary(user, this.clock.now());
  }

  // ---------------------------------------------------------------- employee operations

  /**
   * Checks a login. Unknown, disabled, wrong-password and expired-temporary logins all fail with
   * the same `invalid_credentials` after one bcrypt (a dummy one for unknown users), so neither
   * the answer nor its timing tells them apart; the reason goes to the audit trail only. Locked
   * accounts, and unknown names that failed as often, get `too_many_attempts` before any bcrypt.
   *
   * @param client who is trying (e.g. the address), for the audit trail.
   * @throws DomainError `invalid_credentials`, `too_many_attempts` (with `retryAfterSeconds`)
   */
  async authenticate(
    username: string,
    password: string,
    client: string,
  ): Promise<AuthenticatedUser> {
    assertString(username, 'username');
    assertString(password, 'password');
    assertString(client, 'client');
    const name = normalizeUsername(username);
    const user = isValidUsername(name) ? await this.findWithHash({ username: name }) : null;
    if (!user) return this.failUnknownUser(name, password, client);

    const wait = retryAfterSeconds(user.lockedUntil, this.clock.now());
    if (wait > 0) throw tooManyAttempts(wait);
    const candidate = candidateOf(user, password);
    const verified = await this.hasher.verify(candidate, user.passwordHash);
    // Upgrade a hash made at a lower cost, once the password is proven (success path only).
    const rehash =
      verified && user.disabledAt === null
        ? await this.hasher.upgradedHash(candidate, user.passwordHash)
        : undefined;

    const result = await this.runner.run(async (m) => {
      // Decide on the row as it is now, locked: a concurrent reset or disable wins.
      const fresh = await this.lockById(m, user.id);
      if (!fresh) return { ok: false as const };
      const now = this.clock.now();
      const sameHash = fresh.passwordHash === user.passwordHash;
      const reason = failureReason(fresh, verified && sameHash, now);
      if (reason !== null) {
        await this.recordFailure(m, fresh, reason, {
          client: truncate(client, MAX_AUDITED_CLIENT_CHARS),
        });
        return { ok: false as const };
      }
      await m.update(
        UserEntity,
        { id: fresh.id },
        {
          failedLogins: 0,
          lockedUntil: null,
          ...(rehash !== undefined ? { passwordHash: rehash } : {}),
          updatedAt: new Date(now),
        },
      );
      await this.audit.append(m, {
        actorType: 'user',
        actor: fresh.username,
        action: AuditAction.LoginSucceeded,
        subject: fresh.username,
        details: {
          client: truncate(client, MAX_AUDITED_CLIENT_CHARS),
          mustChangePassword: fresh.mustChangePassword,
        },
      });
      return { ok: true as const, mustChangePassword: fresh.mustChangePassword };
    });
    if (!result.ok) throw invalidCredentials();
    return {
      userId: user.id,
      username: user.username,
      mustChangePassword: result.mustChangePassword,
    };
  }

  /**
   * Replaces the password of a logged-in user. The current password is checked first (a wrong
   * one counts as a failed login), then the policy, with the temporary password being the current
   * one while the user must change it. Clears the must-change flag and the temporary expiry.
   * Audited as `auth.password_changed`.
   *
   * @throws DomainError `invalid_credentials`, `too_many_attempts`, `weak_password`
   */
  async changePassword(
    userId: number,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    if (!Number.isSafeInteger(userId) || userId < 1)
      throw new TypeError('userId must be a positive integer');
    assertString(currentPassword, 'currentPassword');
    assertString(newPassword, 'newPassword');
    const user = await this.findWithHash({ id: userId });
    if (!user) {
      await this.hasher.dummyVerify(currentPassword);
      throw invalidCredentials();
    }
    const wait = retryAfterSeconds(user.lockedUntil, this.clock.now());
    if (wait > 0) throw tooManyAttempts(wait);
    const current = candidateOf(user, currentPassword);
    const verified = await this.hasher.verify(current, user.passwordHash);
    const reason = failureReason(user, verified, this.clock.now());
    if (reason !== null) {
      await this.runner.run(async (m) => {
        const fresh = await this.lockById(m, user.id);
        if (fresh) await this.recordFailure(m, fresh, reason, { during: 'password_change' });
      });
      throw invalidCredentials();
    }
    // Only after the current password is proven: the policy compares against it.
    checkPasswordPolicy(newPassword, {
      username: user.username,
      currentPassword: current,
      temporaryPassword: user.mustChangePassword ? current : undefined,
    });
    const passwordHash = await this.hasher.hash(newPassword);
    await this.runner.run(async (m) => {
      const fresh = await this.lockById(m, user.id);
      // Reset or changed meanwhile: the current password we checked is no longer current.
      if (!fresh || fresh.passwordHash !== user.passwordHash || fresh.disabledAt !== null) {
        throw invalidCredentials();
      }
      await m.update(
        UserEntity,
        { id: fresh.id },
        {
          passwordHash,
          mustChangePassword: false,
          tempPasswordExpiresAt: null,
          failedLogins: 0,
          lockedUntil: null,
          // The user's other sessions end too; this one goes back to open (PROTOCOL.md §4).
          sessionsValidAfter: new Date(this.clock.now()),
          updatedAt: new Date(this.clock.now()),
        },
      );
      await this.audit.append(m, {
        actorType: 'user',
        actor: fresh.username,
        action: AuditAction.PasswordChanged,
        subject: fresh.username,
        details: { wasTemporary: fresh.mustChangePassword },
      });
    });
  }

  // ---------------------------------------------------------------- internals

  /** The unknown-user path: same lockout, same bcrypt time, same answer as a real account. */
  private async failUnknownUser(name: string, password: string, client: string): Promise<never> {
    const key = truncate(name, MAX_THROTTLE_KEY_CHARS);
    const wait = this.unknownUsers.retryAfterSeconds(key);
    if (wait > 0) throw tooManyAttempts(wait);
    await this.hasher.dummyVerify(password);
    const outcome = this.unknownUsers.recordFailure(key);
    const actor = truncate(name, MAX_AUDITED_NAME_CHARS) || '(empty)';
    const events: AuditEventInput[] = [
      {
        actorType: 'user',
        actor,
        action: AuditAction.LoginFailed,
        subject: null,
        details: {
          reason: 'unknown_user' satisfies LoginFailureReason,
          client: truncate(client, MAX_AUDITED_CLIENT_CHARS),
          failedLogins: outcome.failures,
        },
      },
    ];
    if (outcome.lockedUntil !== null)
      events.push(this.lockEvent(null, outcome, { attemptedUsername: actor }));
    await this.runner.run((m) => this.audit.append(m, events));
    throw invalidCredentials();
  }

  /** Counts a failure on a row locked by the caller, locks when due, and audits both. */
  private async recordFailure(
    m: EntityManager,
    user: UserEntity,
    reason: LoginFailureReason,
    details: Record<string, string>,
  ): Promise<FailureOutcome> {
    const now = this.clock.now();
    const outcome = nextFailure(user.failedLogins, now, this.lockout);
    await m.update(
      UserEntity,
      { id: user.id },
      {
        failedLogins: outcome.failures,
        ...(outcome.lockedUntil !== null ? { lockedUntil: new Date(outcome.lockedUntil) } : {}),
        updatedAt: new Date(now),
      },
    );
    const events: AuditEventInput[] = [
      {
        actorType: 'user',
        actor: user.username,
        action: AuditAction.LoginFailed,
        subject: user.username,
        details: { reason, failedLogins: outcome.failures, ...details },
      },
    ];
    if (outcome.lockedUntil !== null) events.push(this.lockEvent(user.username, outcome));
    await this.audit.append(m, events);
    return outcome;
  }

  /** `auth.account_locked`: the service locks, so the actor is the system. */
  private lockEvent(
    subject: string | null,
    outcome: FailureOutcome,
    extra: Record<string, string> = {},
  ): AuditEventInput {
    return {
      actorType: 'system',
      actor: SYSTEM_ACTOR,
      action: AuditAction.AccountLocked,
      subject,
      details: {
        lockSeconds: outcome.lockSeconds,
        lockedUntil: new Date(outcome.lockedUntil ?? 0).toISOString(),
        failedLogins: outcome.failures,
        ...extra,
      },
    };
  }

  /** An admin change on one account, with `changed` false when it was already so. */
  private async change(
    username: string,
    actor: Actor,
    action: AuditAction,
    patchOf: (user: UserEntity, now: Date) => Partial<UserEntity>,
  ): Promise<AccountChange> {
    assertActor(actor);
    const name = this.lookupName(username);
    return this.runner.run(async (m) => {
      const user = await this.lockByName(m, name);
      const now = new Date(this.clock.now());
      const patch = patchOf(user, now);
      const fields = Object.keys(patch).sort();
      const changed = fields.length > 0;
      if (changed) {
        Object.assign(user, patch, { updatedAt: now });
        await m.update(UserEntity, { id: user.id }, { ...patch, updatedAt: now });
      }
      await this.audit.append(m, {
        ...this.actorOf(actor),
        action,
        subject: name,
        details: { changed, fields },
      });
      return { changed, user: toSummary(user, now.getTime()) };
    });
  }

  /** Normalizes a username used to look an account up; a malformed one names no account. */
  private lookupName(username: string): string {
    const name = normalizeUsername(username);
    if (!isValidUsername(name)) throw notFound();
    return name;
  }

  private findWithHash(where: { username: string } | { id: number }): Promise<UserEntity | null> {
    return this.ds
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where(where)
      .getOne();
  }

  /** The row with its hash, locked for the rest of the transaction (FOR UPDATE on MySQL). */
  private lockById(m: EntityManager, id: number): Promise<UserEntity | null> {
    const qb = m.createQueryBuilder(UserEntity, 'u').addSelect('u.passwordHash').where({ id });
    return this.runner.forUpdate(qb).getOne();
  }

  private async lockByName(m: EntityManager, username: string): Promise<UserEntity> {
    const user = await m.findOne(UserEntity, { where: { username }, lock: this.runner.rowLock() });
    if (!user) throw notFound();
    return user;
  }

  private temporaryExpiry(now: Date): Date {
    return new Date(now.getTime() + this.config.tempPasswordTtlHours * HOUR_MS);
  }

  private actorOf(actor: Actor): Pick<AuditEventInput, 'actorType' | 'actor'> {
    return { actorType: actor.type, actor: actor.name };
  }

  private userExists(username: string): DomainError {
    return new DomainError(ErrorCode.UserExists, `user ${username} already exists`);
  }
}

/** Optional identity of a user, for the subject of their certificates. */
export interface UserProfile {
  fullName?: string;
  email?: string;
}

/** RFC 5321 §4.5.3.1 limits, and one @ with a dotted domain; certificates carry it as rfc822Name. */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

function checkedProfile(profile: UserProfile): { fullName: string | null; email: string | null } {
  const fullName = profile.fullName?.trim() || null;
  const email = profile.email?.trim() || null;
  if (
    fullName !== null &&
    (fullName.length > 128 || [...fullName].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f'))
  ) {
    throw new DomainError(ErrorCode.InvalidRequest, 'fullName: 1 to 128 printable characters');
  }
  if (email !== null && (email.length > 254 || !EMAIL.test(email))) {
    throw new DomainError(ErrorCode.InvalidRequest, 'email: an address such as alice@example.org');
  }
  return { fullName, email };
}
