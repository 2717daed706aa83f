import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditAction, type AuditEventInput, AuditService } from '@dss/audit';
import { type Clock, CLOCK, DomainError, ErrorCode } from '@dss/common';
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
  assertActor,
  assertPage,
  CredentialCore,
  type CredentialPolicy,
  entityCredentialStore,
  isLocked,
} from './credential-core';
import { commonPasswordSet } from './password-policy';
import { assertValidUsername, isValidUsername, normalizeUsername } from './username';

export { type LoginFailureReason } from './credential-core';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

function notFound(): DomainError {
  return new DomainError(ErrorCode.NotFound, 'no such user');
}

/** Escapes LIKE wildcards with `!` (an escape character both engines read the same way). */
function likeContains(search: string): string {
  return `%${search.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

function statusOf(user: UserEntity, now: number): UserStatus {
  if (user.disabledAt !== null) return 'disabled';
  if (isLocked(user.lockedUntil, now)) return 'locked';
  return user.mustChangePassword ? 'must_change_password' : 'active';
}

function toSummary(user: UserEntity, now: number): UserSummary {
  return {
    username: user.username,
    status: statusOf(user, now),
    mustChangePassword: user.mustChangePassword,
    temporaryPasswordExpiresAt: user.mustChangePassword ? user.tempPasswordExpiresAt : null,
    failedLogins: user.failedLogins,
    lockedUntil: isLocked(user.lockedUntil, now) ? user.lockedUntil : null,
    disabled: user.disabledAt !== null,
    keyCreationBlocked: user.keyCreationBlocked,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/**
 * Employee accounts (DESIGN.md §5): registration with one-time temporary passwords, login with
 * lockout, password changes, and the admin operations. Every change commits together with its
 * audit event, in one transaction. Passwords and hashes are never logged or returned, except the
 * temporary password, returned once by {@link register} and {@link resetPassword}.
 */
@Injectable()
export class AccountsService implements OnModuleInit {
  /** What the shared credential flows need to know about employee accounts. */
  readonly policy: CredentialPolicy<UserEntity>;

  constructor(
    private readonly ds: DataSource,
    private readonly runner: TransactionRunner,
    private readonly audit: AuditService,
    private readonly core: CredentialCore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.policy = {
      kind: 'user',
      actions: {
        loginSucceeded: AuditAction.LoginSucceeded,
        loginFailed: AuditAction.LoginFailed,
        locked: AuditAction.AccountLocked,
        unlocked: AuditAction.UserUnlocked,
        passwordChanged: AuditAction.PasswordChanged,
        passwordReset: AuditAction.UserPasswordReset,
      },
      store: entityCredentialStore(ds, runner, UserEntity),
      loginDetails: () => ({}),
      onLogin: () => Promise.resolve(),
      // Secure sessions check this instant at their next operation (PROTOCOL.md §4).
      endSessions: async (m, user, now) => {
        await m.update(UserEntity, { id: user.id }, { sessionsValidAfter: now });
        return undefined;
      },
    };
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
    const now = new Date(this.clock.now());
    const issued = await this.core.temporaryCredential(now);
    try {
      await this.runner.run(async (m) => {
        await m.insert(UserEntity, {
          username: name,
          passwordHash: issued.passwordHash,
          mustChangePassword: true,
          tempPasswordExpiresAt: issued.expiresAt,
          failedLogins: 0,
          lockedUntil: null,
          disabledAt: null,
          keyCreationBlocked: false,
          fullName,
          email,
          createdAt: now,
          updatedAt: now,
        });
        // Failures counted on the name before it had an account no longer count.
        await this.core.lockout.clear(m, 'user', name);
        await this.audit.append(m, {
          ...this.actorOf(actor),
          action: AuditAction.UserRegistered,
          subject: name,
          details: {
            temporaryPasswordExpiresAt: issued.expiresAt.toISOString(),
            ...(fullName ? { fullName } : {}),
            ...(email ? { email } : {}),
          },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw this.userExists(name);
      throw err;
    }
    const { temporaryPassword, expiresAt: temporaryPasswordExpiresAt } = issued;
    return { username: name, temporaryPassword, temporaryPasswordExpiresAt };
  }

  /**
   * Issues a new temporary password (must be changed at next login), and clears failures and
   * any lock. Does not enable a disabled account. Audited as `user.password_reset`.
   *
   * @throws DomainError `not_found`
   */
  async resetPassword(username: string, actor: Actor): Promise<IssuedTemporaryPassword> {
    const { record, temporaryPassword, temporaryPasswordExpiresAt } = await this.core.resetPassword(
      this.policy,
      username,
      actor,
      notFound,
    );
    return { username: record.username, temporaryPassword, temporaryPasswordExpiresAt };
  }

  /**
   * Disables the account: logins fail with `invalid_credentials`, and secure sessions already
   * logged in end at their next operation (`sessions_valid_after`). Idempotent. Audited as
   * `user.disabled`.
   *
   * @throws DomainError `not_found`
   */
  disable(username: string, actor: Actor): Promise<AccountChange> {
    return this.change(username, actor, AuditAction.UserDisabled, (_m, user, now) =>
      Promise.resolve(user.disabledAt === null ? { disabledAt: now, sessionsValidAfter: now } : {}),
    );
  }

  /**
   * Enables the account and clears failures and any lock. Idempotent. Audited as `user.enabled`.
   *
   * @throws DomainError `not_found`
   */
  enable(username: string, actor: Actor): Promise<AccountChange> {
    return this.change(username, actor, AuditAction.UserEnabled, async (m, user, now) => {
      const cleared = await this.core.clearLockout(m, this.policy, user.username, now);
      return {
        ...(user.disabledAt !== null ? { disabledAt: null } : {}),
        ...(cleared > 0 || user.failedLogins !== 0 ? { failedLogins: 0 } : {}),
        ...(user.lockedUntil !== null ? { lockedUntil: null } : {}),
      };
    });
  }

  /**
   * Allows a new key pair after DeleteKeys (clears `keyCreationBlocked`). Idempotent. Audited as
   * `user.key_creation_allowed`.
   *
   * @throws DomainError `not_found`
   */
  allowNewKey(username: string, actor: Actor): Promise<AccountChange> {
    return this.runner.run((m) => this.allowNewKeyIn(m, username, actor));
  }

  /** {@link allowNewKey} inside the caller's transaction (dual control: with the approval). */
  allowNewKeyIn(m: EntityManager, username: string, actor: Actor): Promise<AccountChange> {
    return this.changeIn(m, username, actor, AuditAction.UserKeyCreationAllowed, (_m, user) =>
      Promise.resolve(user.keyCreationBlocked ? { keyCreationBlocked: false } : {}),
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
    assertPage(offset, limit, MAX_PAGE);
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
   * Checks a login (the shared flow of {@link CredentialCore.authenticate}): unknown, disabled,
   * wrong-password and expired-temporary logins all fail alike with `invalid_credentials`; a
   * name locked for this client, or everywhere, gets `too_many_attempts` before any bcrypt.
   *
   * @param client the client address: failures count per (name, address) and per name.
   * @throws DomainError `invalid_credentials`, `too_many_attempts` (with `retryAfterSeconds`)
   */
  async authenticate(
    username: string,
    password: string,
    client: string,
  ): Promise<AuthenticatedUser> {
    const user = await this.core.authenticate(this.policy, username, password, client);
    return {
      userId: user.id,
      username: user.username,
      mustChangePassword: user.mustChangePassword,
    };
  }

  /**
   * Replaces the password of a logged-in user ({@link CredentialCore.changePassword}); the user's
   * other secure sessions end (`sessions_valid_after`). Audited as `auth.password_changed`.
   *
   * @throws DomainError `invalid_credentials`, `too_many_attempts`, `weak_password`
   */
  async changePassword(
    userId: number,
    currentPassword: string,
    newPassword: string,
    client = 'unknown',
  ): Promise<void> {
    await this.core.changePassword(this.policy, userId, currentPassword, newPassword, client);
  }

  /**
   * Ends every lock of the account and forgets its failed logins, from every address. Audited as
   * `user.unlocked`.
   *
   * @throws DomainError `not_found`
   */
  async unlock(username: string, actor: Actor): Promise<AccountChange> {
    const { changed, record } = await this.core.unlock(this.policy, username, actor, notFound);
    const fresh = await this.ds.getRepository(UserEntity).findOneByOrFail({ id: record.id });
    return { changed, user: toSummary(fresh, this.clock.now()) };
  }

  // ---------------------------------------------------------------- internals

  /** An admin change on one account, with `changed` false when it was already so. */
  private async change(
    username: string,
    actor: Actor,
    action: AuditAction,
    patchOf: (m: EntityManager, user: UserEntity, now: Date) => Promise<Partial<UserEntity>>,
  ): Promise<AccountChange> {
    assertActor(actor);
    this.lookupName(username);
    return this.runner.run((m) => this.changeIn(m, username, actor, action, patchOf));
  }

  private async changeIn(
    m: EntityManager,
    username: string,
    actor: Actor,
    action: AuditAction,
    patchOf: (m: EntityManager, user: UserEntity, now: Date) => Promise<Partial<UserEntity>>,
  ): Promise<AccountChange> {
    assertActor(actor);
    const name = this.lookupName(username);
    const user = await this.lockByName(m, name);
    const now = new Date(this.clock.now());
    const patch = await patchOf(m, user, now);
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
  }

  /** Normalizes a username used to look an account up; a malformed one names no account. */
  private lookupName(username: string): string {
    const name = normalizeUsername(username);
    if (!isValidUsername(name)) throw notFound();
    return name;
  }

  private async lockByName(m: EntityManager, username: string): Promise<UserEntity> {
    const user = await m.findOne(UserEntity, { where: { username }, lock: this.runner.rowLock() });
    if (!user) throw notFound();
    return user;
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
