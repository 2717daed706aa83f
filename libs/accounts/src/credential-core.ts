import { Inject, Injectable, Optional } from '@nestjs/common';
import { type AuditAction, type AuditEventInput, AuditService } from '@dss/audit';
import { type Clock, CLOCK, DomainError, ErrorCode } from '@dss/common';
import { DSS_CONFIG, type DssConfig } from '@dss/config';
import { TransactionRunner } from '@dss/persistence';
import {
  DataSource,
  type EntityManager,
  type EntityTarget,
  type FindOptionsWhere,
  type ObjectLiteral,
} from 'typeorm';
import { type QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type Actor } from './account.types';
import {
  type LockoutKey,
  type LockoutState,
  LoginLockout,
  type Reservation,
} from './login-lockout';
import {
  type AccountKind,
  LOGIN_METRICS,
  type LoginMetrics,
  NO_LOGIN_METRICS,
} from './login-metrics';
import { type FailureOutcome } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { checkPasswordPolicy, normalizePassword } from './password-policy';
import { canonicalizeTemporaryPassword, generateTemporaryPassword } from './temporary-password';
import { isValidUsername, normalizeUsername } from './username';

/** Why a login failed: for the audit trail only, never for the wire. */
export type LoginFailureReason =
  'wrong_password' | 'unknown_account' | 'disabled' | 'expired_temporary';

/** The columns of an account row the credential flows read. */
export interface CredentialRecord {
  id: number;
  username: string;
  passwordHash: string;
  mustChangePassword: boolean;
  /** Expiry of the temporary password; null when it never expires. */
  tempPasswordExpiresAt: Date | null;
  disabledAt: Date | null;
}

/** The columns of an account row the credential flows write. */
export interface CredentialPatch {
  passwordHash?: string;
  mustChangePassword?: boolean;
  tempPasswordExpiresAt?: Date | null;
  failedLogins?: number;
  lockedUntil?: Date | null;
  updatedAt?: Date;
}

/** Where a kind of account is stored. Reads with `lock` hold the row for the transaction. */
export interface CredentialStore<R extends CredentialRecord> {
  find(where: { username: string } | { id: number }): Promise<R | null>;
  lock(m: EntityManager, where: { username: string } | { id: number }): Promise<R | null>;
  update(
    m: EntityManager,
    where: { username: string } | { id: number },
    patch: CredentialPatch,
  ): Promise<void>;
}

/** The audit actions of a kind of account. */
export interface CredentialActions {
  loginSucceeded: AuditAction;
  loginFailed: AuditAction;
  locked: AuditAction;
  unlocked: AuditAction;
  passwordChanged: AuditAction;
  passwordReset: AuditAction;
}

/** What differs between kinds of account; the flows themselves do not. */
export interface CredentialPolicy<R extends CredentialRecord> {
  readonly kind: AccountKind;
  readonly actions: CredentialActions;
  readonly store: CredentialStore<R>;
  /** Audit details of a successful login besides the client (e.g. the role). */
  loginDetails(record: R): Record<string, string | boolean>;
  /** Extra writes of a successful login (e.g. the last login time). */
  onLogin(m: EntityManager, record: R, now: Date): Promise<void>;
  /** Ends the account's sessions after its password changed or was reset; how many, if known. */
  endSessions(m: EntityManager, record: R, now: Date): Promise<number | undefined>;
}

/** A store of an entity that has the {@link CredentialRecord} columns under those names. */
export function entityCredentialStore<R extends CredentialRecord & ObjectLiteral>(
  ds: DataSource,
  runner: TransactionRunner,
  entity: EntityTarget<R>,
): CredentialStore<R> {
  // TypeORM cannot see that R has these columns; the shape is checked by CredentialRecord.
  const whereOf = (where: { username: string } | { id: number }): FindOptionsWhere<R> =>
    where as unknown as FindOptionsWhere<R>;
  return {
    find: (where) =>
      ds
        .getRepository(entity)
        .createQueryBuilder('a')
        .addSelect('a.passwordHash')
        .where(where)
        .getOne(),
    lock: (m, where) =>
      runner
        .forUpdate(m.createQueryBuilder(entity, 'a').addSelect('a.passwordHash').where(where))
        .getOne(),
    update: async (m, where, patch) => {
      await m.update(entity, whereOf(where), patch as unknown as QueryDeepPartialEntity<R>);
    },
  };
}

/** A fresh temporary password, its hash, and when it expires. */
export interface TemporaryCredential {
  temporaryPassword: string;
  passwordHash: string;
  expiresAt: Date;
}

const HOUR_MS = 3_600_000;
/** Actor recorded for automatic locks. */
const SYSTEM_ACTOR = 'accounts';
/** Longest attempted name written to the audit trail, in code points. */
const MAX_AUDITED_NAME_CHARS = 64;
/** Longest client description written to the audit trail, in code points. */
const MAX_AUDITED_CLIENT_CHARS = 128;
const ACTOR_TYPES = new Set<Actor['type']>(['operator', 'system', 'user']);

export function truncate(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : chars.slice(0, max).join('');
}

export function invalidCredentials(): DomainError {
  return new DomainError(ErrorCode.InvalidCredentials, 'invalid username or password');
}

export function tooManyAttempts(retryAfter: number): DomainError {
  return new DomainError(ErrorCode.TooManyAttempts, 'too many failed attempts; try again later', {
    retryAfterSeconds: retryAfter,
  });
}

export function assertActor(actor: Actor): void {
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

export function assertString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
}

/** Throws `invalid_request` unless offset and limit are a valid page (limit 1 to `max`). */
export function assertPage(offset: number, limit: number, max: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new DomainError(ErrorCode.InvalidRequest, 'offset must be a non-negative integer');
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > max) {
    throw new DomainError(ErrorCode.InvalidRequest, `limit must be an integer from 1 to ${max}`);
  }
}

/** True while a lock runs. */
export function isLocked(lockedUntil: Date | null, now: number): boolean {
  return lockedUntil !== null && lockedUntil.getTime() > now;
}

function isTemporaryExpired(record: CredentialRecord, now: number): boolean {
  return (
    record.mustChangePassword &&
    record.tempPasswordExpiresAt !== null &&
    record.tempPasswordExpiresAt.getTime() <= now
  );
}

/** The reason a login with a correct-or-not password fails, or null when it succeeds. */
function failureReason(
  record: CredentialRecord,
  passwordOk: boolean,
  now: number,
): LoginFailureReason | null {
  if (record.disabledAt !== null) return 'disabled';
  if (!passwordOk) return 'wrong_password';
  if (isTemporaryExpired(record, now)) return 'expired_temporary';
  return null;
}

/** The result of checking a password against an account. */
interface PasswordCheck {
  verified: boolean;
  /** The password in the form it is hashed (normalised; canonical while temporary). */
  candidate: string;
  /** A new hash to store, at the configured cost. */
  rehash?: string;
}

/**
 * The one login flow and the one password-change flow of every kind of account (users,
 * operators), over a {@link CredentialPolicy} per kind: lockout in the database
 * ({@link LoginLockout}), constant answers for unknown names, NFKC passwords, audit and metrics.
 */
@Injectable()
export class CredentialCore {
  readonly lockout: LoginLockout;
  private readonly metrics: LoginMetrics;

  constructor(
    ds: DataSource,
    private readonly runner: TransactionRunner,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DSS_CONFIG) private readonly config: DssConfig,
    @Optional() @Inject(LOGIN_METRICS) metrics?: LoginMetrics,
  ) {
    this.lockout = new LoginLockout(ds, runner, clock, config);
    this.metrics = metrics ?? NO_LOGIN_METRICS;
  }

  /**
   * A new temporary password (130 random bits), hashed as login reads it, expiring after
   * `DSS_TEMP_PASSWORD_TTL_HOURS`.
   */
  async temporaryCredential(now: Date): Promise<TemporaryCredential> {
    const temporaryPassword = generateTemporaryPassword();
    return {
      temporaryPassword,
      passwordHash: await this.hasher.hash(temporaryPassword),
      expiresAt: new Date(now.getTime() + this.config.tempPasswordTtlHours * HOUR_MS),
    };
  }

  /**
   * Checks a login. Unknown, disabled, wrong-password and expired-temporary logins all fail with
   * the same `invalid_credentials` after the same bcrypt work, so neither the answer nor its timing
   * tells them apart; the reason goes to the audit trail only. While the name is locked for this
   * client (or everywhere) the answer is `too_many_attempts`, before any bcrypt.
   *
   * @param client the client address: failures count per (name, address) and per name.
   * @throws DomainError `invalid_credentials`, `too_many_attempts` (with `retryAfterSeconds`)
   */
  async authenticate<R extends CredentialRecord>(
    policy: CredentialPolicy<R>,
    username: string,
    password: string,
    client: string,
  ): Promise<R> {
    assertString(username, 'username');
    assertString(password, 'password');
    assertString(client, 'client');
    const name = normalizeUsername(username);
    const key = this.lockout.keyOf(policy.kind, name, client);
    const reservation = await this.reserve(policy, key);
    const record = await this.settled(key, reservation, async () => {
      const found = isValidUsername(name) ? await policy.store.find({ username: name }) : null;
      const check = await this.checkPassword(found, password);
      return this.runner.run(async (m) => {
        // Decide on the row as it is now, locked: a concurrent reset or disable wins.
        const fresh = found ? await policy.store.lock(m, { id: found.id }) : null;
        const now = this.clock.now();
        const reason: LoginFailureReason | null =
          !fresh || !found
            ? 'unknown_account'
            : failureReason(
                fresh,
                check.verified && fresh.passwordHash === found.passwordHash,
                now,
              );
        if (reason !== null || !fresh) {
          await this.auditFailure(m, policy, name, reservation, reason ?? 'unknown_account', {
            client: truncate(client, MAX_AUDITED_CLIENT_CHARS),
          });
          return null;
        }
        const state = await this.lockout.succeeded(m, key);
        await policy.store.update(
          m,
          { id: fresh.id },
          {
            ...this.mirrorOf(state),
            ...(check.rehash !== undefined ? { passwordHash: check.rehash } : {}),
            updatedAt: new Date(now),
          },
        );
        await policy.onLogin(m, fresh, new Date(now));
        await this.audit.append(m, {
          actorType: policy.kind,
          actor: fresh.username,
          action: policy.actions.loginSucceeded,
          subject: fresh.username,
          details: {
            client: truncate(client, MAX_AUDITED_CLIENT_CHARS),
            mustChangePassword: fresh.mustChangePassword,
            ...policy.loginDetails(fresh),
          },
        });
        return fresh;
      });
    });
    this.metrics.attempt(policy.kind, record ? 'success' : 'failure');
    if (!record) throw invalidCredentials();
    return record;
  }

  /**
   * Replaces the password of a logged-in account. The current password is checked first, under
   * the same lockout as a login (a wrong one counts as a failed login), then the policy, with the
   * temporary password being the current one while it must be changed. Clears the must-change
   * flag and the temporary expiry, ends the account's sessions, and audits the change.
   *
   * @throws DomainError `invalid_credentials`, `too_many_attempts`, `weak_password`
   */
  async changePassword<R extends CredentialRecord>(
    policy: CredentialPolicy<R>,
    id: number,
    currentPassword: string,
    newPassword: string,
    client: string,
  ): Promise<{ record: R; endedSessions: number | undefined }> {
    if (!Number.isSafeInteger(id) || id < 1) throw new TypeError('id must be a positive integer');
    assertString(currentPassword, 'currentPassword');
    assertString(newPassword, 'newPassword');
    assertString(client, 'client');
    const record = await policy.store.find({ id });
    if (!record) {
      await this.hasher.dummyVerify(currentPassword);
      throw invalidCredentials();
    }
    const key = this.lockout.keyOf(policy.kind, record.username, client);
    const reservation = await this.reserve(policy, key);
    const check = await this.settled(key, reservation, async () => {
      const result = await this.checkPassword(record, currentPassword);
      const reason = failureReason(record, result.verified, this.clock.now());
      await this.runner.run(async (m) => {
        if (reason !== null) {
          await this.auditFailure(m, policy, record.username, reservation, reason, {
            client: truncate(client, MAX_AUDITED_CLIENT_CHARS),
            during: 'password_change',
          });
        } else {
          // Proven: the reserved failure is undone before the new password is judged.
          const state = await this.lockout.succeeded(m, key);
          await policy.store.update(m, { id: record.id }, this.mirrorOf(state));
        }
      });
      return reason === null ? result : null;
    });
    this.metrics.attempt(policy.kind, check ? 'success' : 'failure');
    if (!check) throw invalidCredentials();
    checkPasswordPolicy(newPassword, {
      username: record.username,
      currentPassword: check.candidate,
      temporaryPassword: record.mustChangePassword ? check.candidate : undefined,
    });
    // checkPasswordPolicy has shown it well-formed.
    const passwordHash = await this.hasher.hash(normalizePassword(newPassword) ?? newPassword);
    return this.runner.run(async (m) => {
      const fresh = await policy.store.lock(m, { id: record.id });
      // Reset or changed meanwhile: the current password we checked is no longer current.
      if (!fresh || fresh.passwordHash !== record.passwordHash || fresh.disabledAt !== null) {
        throw invalidCredentials();
      }
      const now = new Date(this.clock.now());
      const endedSessions = await this.setPassword(m, policy, fresh, now, {
        passwordHash,
        mustChangePassword: false,
        tempPasswordExpiresAt: null,
      });
      await this.audit.append(m, {
        actorType: policy.kind,
        actor: fresh.username,
        action: policy.actions.passwordChanged,
        subject: fresh.username,
        details: { wasTemporary: fresh.mustChangePassword, revokedSessions: endedSessions },
      });
      return { record: fresh, endedSessions };
    });
  }

  /**
   * Issues a new temporary password (must be changed at next login, expires after
   * `DSS_TEMP_PASSWORD_TTL_HOURS`), forgets failures and locks, and ends the account's sessions.
   * Does not enable a disabled account. Audited as the kind's `passwordReset` action.
   *
   * @throws DomainError from `notFound`
   */
  async resetPassword<R extends CredentialRecord>(
    policy: CredentialPolicy<R>,
    username: string,
    actor: Actor,
    notFound: () => DomainError,
  ): Promise<{ record: R; temporaryPassword: string; temporaryPasswordExpiresAt: Date }> {
    assertActor(actor);
    const name = normalizeUsername(username);
    if (!isValidUsername(name) || !(await policy.store.find({ username: name }))) throw notFound();
    const issued = await this.temporaryCredential(new Date(this.clock.now()));
    return this.runner.run(async (m) => {
      const record = await policy.store.lock(m, { username: name });
      if (!record) throw notFound();
      const now = new Date(this.clock.now());
      const expiresAt = issued.expiresAt;
      const cleared = await this.clearLockout(m, policy, name, now);
      const revokedSessions = await this.setPassword(m, policy, record, now, {
        passwordHash: issued.passwordHash,
        mustChangePassword: true,
        tempPasswordExpiresAt: expiresAt,
      });
      await this.audit.append(m, {
        actorType: actor.type,
        actor: actor.name,
        action: policy.actions.passwordReset,
        subject: name,
        details: {
          changed: true,
          clearedLockout: cleared > 0,
          temporaryPasswordExpiresAt: expiresAt.toISOString(),
          revokedSessions,
        },
      });
      return {
        record,
        temporaryPassword: issued.temporaryPassword,
        temporaryPasswordExpiresAt: expiresAt,
      };
    });
  }

  /**
   * Ends every lock and forgets every failure of a name (all addresses). Audited as the kind's
   * `unlocked` action, with whether anything was locked or counted.
   *
   * @throws DomainError `not_found`
   */
  async unlock<R extends CredentialRecord>(
    policy: CredentialPolicy<R>,
    username: string,
    actor: Actor,
    notFound: () => DomainError,
  ): Promise<{ changed: boolean; record: R }> {
    assertActor(actor);
    const name = normalizeUsername(username);
    if (!isValidUsername(name)) throw notFound();
    return this.runner.run(async (m) => {
      const record = await policy.store.lock(m, { username: name });
      if (!record) throw notFound();
      const now = this.clock.now();
      const before = await this.lockout.state(policy.kind, name);
      const rows = await this.clearLockout(m, policy, name, new Date(now));
      const changed = rows > 0 && (before.failures > 0 || isLocked(before.lockedUntil, now));
      await this.audit.append(m, {
        actorType: actor.type,
        actor: actor.name,
        action: policy.actions.unlocked,
        subject: name,
        details: {
          changed,
          failedLogins: before.failures,
          lockedUntil: before.lockedUntil?.toISOString() ?? null,
        },
      });
      return { changed, record };
    });
  }

  /** Forgets the name's failures and locks in `m` (reset, enable, unlock); rows removed. */
  async clearLockout<R extends CredentialRecord>(
    m: EntityManager,
    policy: CredentialPolicy<R>,
    name: string,
    now: Date,
  ): Promise<number> {
    const rows = await this.lockout.clear(m, policy.kind, name);
    await policy.store.update(
      m,
      { username: name },
      { failedLogins: 0, lockedUntil: null, updatedAt: now },
    );
    return rows;
  }

  /** The name's lockout as the admin side shows it. */
  lockoutState(kind: AccountKind, name: string): Promise<LockoutState> {
    return this.lockout.state(kind, name);
  }

  // ---------------------------------------------------------------- internals

  private async reserve<R extends CredentialRecord>(
    policy: CredentialPolicy<R>,
    key: LockoutKey,
  ): Promise<Reservation> {
    const valid = isValidUsername(key.account);
    const result = await this.lockout.reserve(key, (m, state) =>
      // Shown on the account row, when there is one (an unknown name updates nothing).
      valid
        ? policy.store.update(m, { username: key.account }, this.mirrorOf(state))
        : Promise.resolve(),
    );
    if (!result.reserved) {
      this.metrics.attempt(policy.kind, 'locked');
      throw tooManyAttempts(result.retryAfterSeconds);
    }
    return result.reservation;
  }

  /**
   * Runs the checks after a reservation. If they fail for a reason other than the password (a
   * database or bcrypt-queue error), the reserved failure is handed back, so an outage never
   * locks anyone out.
   */
  private async settled<T>(
    key: LockoutKey,
    reservation: Reservation,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (err) {
      await this.lockout.release(key, reservation).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Checks `password` against the account (or a dummy hash when there is none, for the same
   * time). The password is compared in NFKC form; the hasher has always peppered the NFKC form
   * (`PasswordHasher.preHash`), so hashes made before the policy normalised are matched as they
   * were. A string with a lone surrogate is no password: UTF-8 would read every lone surrogate
   * as U+FFFD and so match another one.
   */
  private async checkPassword(
    record: CredentialRecord | null,
    password: string,
  ): Promise<PasswordCheck> {
    const normalized = normalizePassword(password);
    if (!record || normalized === undefined) {
      await this.hasher.dummyVerify(password);
      return { verified: false, candidate: normalized ?? '' };
    }
    const candidate = record.mustChangePassword
      ? (canonicalizeTemporaryPassword(normalized) ?? normalized)
      : normalized;
    if (!(await this.hasher.verify(candidate, record.passwordHash))) {
      return { verified: false, candidate };
    }
    // Upgrade a hash made at a lower cost, once the password is proven (success path only).
    const rehash =
      record.disabledAt === null
        ? await this.hasher.upgradedHash(candidate, record.passwordHash)
        : undefined;
    return { verified: true, candidate, rehash };
  }

  /** Stores a new password hash and ends the account's sessions; how many, if known. */
  private async setPassword<R extends CredentialRecord>(
    m: EntityManager,
    policy: CredentialPolicy<R>,
    record: R,
    now: Date,
    patch: Required<
      Pick<CredentialPatch, 'passwordHash' | 'mustChangePassword' | 'tempPasswordExpiresAt'>
    >,
  ): Promise<number | undefined> {
    await policy.store.update(m, { id: record.id }, { ...patch, updatedAt: now });
    return policy.endSessions(m, record, now);
  }

  private mirrorOf(state: LockoutState): CredentialPatch {
    return { failedLogins: state.failures, lockedUntil: state.lockedUntil };
  }

  /** Audits a failed attempt and the locks its reservation started. */
  private async auditFailure<R extends CredentialRecord>(
    m: EntityManager,
    policy: CredentialPolicy<R>,
    name: string,
    reservation: Reservation,
    reason: LoginFailureReason,
    details: Record<string, string>,
  ): Promise<void> {
    const known = reason !== 'unknown_account';
    const attempted = truncate(name, MAX_AUDITED_NAME_CHARS) || '(empty)';
    const events: AuditEventInput[] = [
      {
        actorType: policy.kind,
        actor: attempted,
        action: policy.actions.loginFailed,
        subject: known ? name : null,
        details: {
          reason,
          failedLogins: reservation.client.failures,
          accountFailedLogins: reservation.account.failures,
          ...details,
        },
      },
    ];
    const locks: [FailureOutcome, 'client' | 'account'][] = [
      [reservation.client, 'client'],
      [reservation.account, 'account'],
    ];
    for (const [outcome, scope] of locks) {
      if (outcome.lockedUntil === null) continue;
      this.metrics.lockStarted(policy.kind, scope);
      events.push({
        actorType: 'system',
        actor: SYSTEM_ACTOR,
        action: policy.actions.locked,
        subject: known ? name : null,
        details: {
          scope,
          ...(scope === 'client' ? { client: reservation.key.client } : {}),
          lockSeconds: outcome.lockSeconds,
          lockedUntil: new Date(outcome.lockedUntil).toISOString(),
          failedLogins: outcome.failures,
          ...(known ? {} : { attemptedUsername: attempted }),
        },
      });
    }
    await this.audit.append(m, events);
  }
}
